package org.weverywhere.exec;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.exec.fs.SandboxFs;
import org.weverywhere.exec.host.GuestState;
import org.weverywhere.exec.host.HostFacts;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.exec.host.WasiPreview1;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeException;
import org.weverywhere.trust.Sha256;
import org.weverywhere.wasm.Limits;
import org.weverywhere.wasm.ModuleCap;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleLimits;
import org.weverywhere.wasm.ModuleParser;
import org.weverywhere.wasm.WasmFormatException;

/**
 * Runs WASI modules and functions within quotas: reads and checks the module, refuses what does not
 * fit, reserves a slot and memory, caps the module's memory, runs it on the calling thread under
 * the watchdog, and says how it ended and what it used.
 */
@ApplicationScoped
public class Executor {
  /**
   * Set while this thread runs a guest under a slot. A service called by that guest (imports of
   * local services) runs on the same thread while the caller waits, so it uses the caller's slot
   * instead of asking for a second one, which a group with one slot would never get.
   */
  private static final ThreadLocal<Boolean> HOLDS_SLOT = new ThreadLocal<>();

  /** How often the watchdog looks: bounds how late a runaway guest is stopped. */
  static final Duration WATCH_PERIOD = Duration.ofMillis(1);

  /** Replaced whole by {@link #update}; each execution reads it once and keeps what it read. */
  private volatile ExecutorParameters settings;

  private QuotaLedger ledger;
  private WasmEngine engine;
  private Watchdog watchdog;

  /** Reading a module (names, metadata JSON) costs more than running a small function. */
  private ModuleCache<ModuleInfo> infos;

  private ModuleCache<WasmEngine.Module> capped;
  private ImportProvider imports = ImportProvider.NONE;

  /** Executions admitted since start, for the {@code executions_started} host fact. */
  private final java.util.concurrent.atomic.AtomicLong started =
      new java.util.concurrent.atomic.AtomicLong();

  private java.util.Optional<java.nio.file.Path> disk = java.util.Optional.empty();

  /** What a module may declare at most, checked before anything is compiled. */
  private ModuleLimits limits = ModuleLimits.DEFAULT;

  /** Cold compiles run there, each within its request's budget. */
  private Compiler compiler;

  /** For CDI's client proxy only. */
  protected Executor() {}

  /** The daemon's executor: imports of services are linked when a provider is deployed. */
  @Inject
  public Executor(
      ExecutorParameters settings,
      QuotaLedger ledger,
      WasmEngine engine,
      jakarta.enterprise.inject.Instance<ImportProvider> imports,
      jakarta.enterprise.inject.Instance<org.weverywhere.exec.host.ObservedDisk> disk) {
    this(settings, ledger, engine);
    if (imports.isResolvable()) {
      this.imports = imports.get();
    }
    if (disk.isResolvable()) {
      this.disk = java.util.Optional.of(disk.get().path());
    }
  }

  public Executor(ExecutorParameters settings, QuotaLedger ledger, WasmEngine engine) {
    this.settings = settings;
    this.ledger = ledger;
    this.engine = engine;
    this.watchdog = new Watchdog(WATCH_PERIOD);
    this.compiler = new Compiler(Runtime.getRuntime().availableProcessors());
    this.infos = new ModuleCache<>(settings.moduleCacheSize(), info -> {});
    this.capped = new ModuleCache<>(settings.moduleCacheSize(), module -> {});
  }

  public Engine engine() {
    return engine.kind();
  }

  /**
   * New limits (output cap, wall-clock timeout, queue) for executions that start from now on. The
   * engine and the cache size stay as they are until a restart.
   */
  public void update(ExecutorParameters next) {
    this.settings =
        new ExecutorParameters(
            settings.engine(),
            settings.moduleCacheSize(),
            next.outputMax(),
            next.wallTimeout(),
            next.queueMax());
  }

  public ExecutionOutcome execute(ExecutionRequest request) {
    ExecutorParameters settings = this.settings;
    String group = request.requester().group();
    ModuleInfo info;
    String sha256 = sha256(request.module());
    try {
      info =
          infos.get(
              sha256,
              () ->
                  new ModuleParser()
                      .parse(new ByteArrayInputStream(request.module()), request.module().length));
    } catch (WasmFormatException e) {
      return unreadable(e);
    }
    switch (Preflight.bounded(info, limits, engine.proposals(), engine.kind())) {
      case Checked.Failed<Void> failed -> {
        return failed.outcome();
      }
      case Checked.Passed<Void> passed -> {}
    }
    GroupLimits quota = ledger.quota(group);
    if (quota == null) {
      return new ExecutionOutcome.Refused(
          Quota.UNKNOWN_GROUP, "group '" + group + "' has no quota on this host");
    }
    if (request.module().length > quota.memoryPerExecution()) {
      return tooLargeToCompile(request.module().length, group, quota);
    }
    Interruption interruption = new Interruption();
    GuestState state =
        new GuestState(
            settings.outputMax(), () -> interruption.request(Interruption.Reason.OUTPUT));
    SandboxFs fs;
    switch (sandboxFs(request, quota)) {
      case Checked.Failed<SandboxFs> failed -> {
        return failed.outcome();
      }
      case Checked.Passed<SandboxFs> passed -> fs = passed.value();
    }
    Preflight.Plan plan;
    List<HostFunction> provided;
    try {
      provided =
          info.imports().isEmpty()
              ? List.of()
              : provided(info, request, state, fs, () -> interruption.reason().isPresent());
    } catch (org.weverywhere.WeverywhereException refused) {
      return new ExecutionOutcome.Invalid(refused.getMessage());
    }
    switch (Preflight.plan(info, request, provided)) {
      case Checked.Failed<Preflight.Plan> failed -> {
        return failed.outcome();
      }
      case Checked.Passed<Preflight.Plan> passed -> plan = passed.value();
    }
    MemoryGrant memory;
    switch (MemoryGrant.of(info, group, quota, engine.tableElementBytes())) {
      case Checked.Failed<MemoryGrant> failed -> {
        return failed.outcome();
      }
      case Checked.Passed<MemoryGrant> passed -> memory = passed.value();
    }
    long admitted = System.nanoTime();
    QuotaLedger.Lease lease;
    switch (ledger.admit(group, memory.reservedBytes(), settings.wallTimeout())) {
      case QuotaLedger.Denied denied -> {
        return new ExecutionOutcome.Refused(denied.quota(), denied.reason());
      }
      case QuotaLedger.Granted granted -> lease = granted.lease();
    }
    started.incrementAndGet();
    HOLDS_SLOT.set(Boolean.TRUE);
    try {
      long wallLeft = settings.wallTimeout().toNanos() - (System.nanoTime() - admitted);
      return run(info, request, plan, memory, quota, state, interruption, wallLeft, fs);
    } finally {
      HOLDS_SLOT.remove();
      lease.close(); // however the run ended: the slot and the memory go back
    }
  }

  private ExecutionOutcome run(
      ModuleInfo info,
      ExecutionRequest request,
      Preflight.Plan plan,
      MemoryGrant memory,
      GroupLimits quota,
      GuestState state,
      Interruption interruption,
      long wallNanos,
      SandboxFs fs) {
    var module = capped(info, request.module(), memory);
    var clock = new Clock();
    String group = request.requester().group();
    var compiling =
        new Compiling(
            new Compiler.Budget(
                group,
                quota.cores(),
                quota.cpuTimePerExecution(),
                Duration.ofNanos(Math.max(0, wallNanos)),
                engine.compilesOnCallingThread()),
            request.module().length);
    var sandbox =
        new WasmEngine.Sandbox(
            plan.imports(),
            state,
            interruption,
            () -> clock.start(watchdog.watch(quota.cpuTimePerExecution(), wallNanos, interruption)),
            compiling);
    WasmEngine.Run run;
    try {
      run = engine.run(module, plan.entry(), sandbox);
    } finally {
      clock.stop();
    }
    Usage usage = new Usage(clock.cpu(), clock.wall(), run.memoryBytes(), state.outputBytes());
    ExecutionOutcome outcome =
        outcome(run, output(state), usage, memory.pages() * Limits.PAGE_SIZE, interruption);
    if (outcome instanceof ExecutionOutcome.Completed done && fs.changed()) {
      // bounded by the same quota: every byte of the trees was charged to it while the guest ran
      return new ExecutionOutcome.Completed(
          done.result(), done.output(), done.usage(), fs.export());
    }
    return outcome;
  }

  /** Most entries the trees of one execution may hold, whatever their bytes. */
  static final int MAX_TREE_ENTRIES = 100_000;

  /**
   * The request's trees, checked (names, links, size against the group's disk quota) and built in
   * memory, before anything is admitted or compiled.
   */
  private static Checked<SandboxFs> sandboxFs(ExecutionRequest request, GroupLimits quota) {
    if (!(request instanceof CommandRun run) || run.dirs().isEmpty()) {
      return new Checked.Passed<>(SandboxFs.empty());
    }
    long limit = quota.diskPerExecution();
    long total = 0;
    int entries = 0;
    java.util.Set<String> guestPaths = new java.util.HashSet<>();
    for (Preopen dir : run.dirs()) {
      if (!guestPaths.add(dir.guestPath())) {
        return new Checked.Failed<>(
            new ExecutionOutcome.Invalid(
                "two directory trees for the guest path '" + dir.guestPath() + "'"));
      }
      try {
        dir.tree()
            .check("directory tree '" + dir.guestPath() + "'", Long.MAX_VALUE, MAX_TREE_ENTRIES);
      } catch (TreeException bad) {
        return new Checked.Failed<>(new ExecutionOutcome.Invalid(bad.getMessage()));
      }
      total += dir.tree().bytes();
      entries += dir.tree().entries().size() + 1;
    }
    if (total > limit || entries > MAX_TREE_ENTRIES) {
      return new Checked.Failed<>(
          new ExecutionOutcome.Refused(
              Quota.DISK_PER_EXECUTION,
              "the directory trees hold "
                  + total
                  + " bytes in "
                  + entries
                  + " entries; one execution of group '"
                  + run.requester().group()
                  + "' may hold "
                  + limit
                  + " bytes (quota.disk.per-execution)"));
    }
    return new Checked.Passed<>(SandboxFs.of(run.dirs(), limit, MAX_TREE_ENTRIES));
  }

  /** How a run ended, as an outcome: a trap at the memory limit is out of memory, not a trap. */
  private static ExecutionOutcome outcome(
      WasmEngine.Run run, Output output, Usage usage, long limitBytes, Interruption interruption) {
    return switch (run.ending()) {
      case WasmEngine.Returned returned ->
          new ExecutionOutcome.Completed(
              new ExecutionOutcome.Returned(returned.values()), output, usage);
      case WasmEngine.Exited exited ->
          new ExecutionOutcome.Completed(new ExecutionOutcome.Exit(exited.code()), output, usage);
      case WasmEngine.Trap trap ->
          limitBytes > 0 && run.memoryBytes() >= limitBytes
              ? new ExecutionOutcome.OutOfMemory(limitBytes, trap.message(), output, usage)
              : new ExecutionOutcome.Trapped(trap.kind(), trap.message(), output, usage);
      case WasmEngine.HeapExhausted heap ->
          new ExecutionOutcome.OutOfMemory(
              limitBytes, "JVM heap exhausted: " + heap.message(), output, usage);
      case WasmEngine.Unrunnable unrunnable -> new ExecutionOutcome.Invalid(unrunnable.message());
      case WasmEngine.CompileRefused refused ->
          new ExecutionOutcome.Invalid(ErrorCode.WASM_COMPILE_LIMIT, refused.message());
      case WasmEngine.Interrupted stopped ->
          switch (interruption.reason().orElseThrow()) {
            case CPU_TIME -> new ExecutionOutcome.OutOfCpu(false, output, usage);
            case WALL_CLOCK -> new ExecutionOutcome.OutOfCpu(true, output, usage);
            case OUTPUT -> new ExecutionOutcome.OutputTruncated(output, usage);
          };
    };
  }

  /**
   * Instantiates a library's module to keep for many calls (a service's instance): the same checks
   * as {@link #execute}, with memory capped at {@code memoryMax} and the group's per-execution
   * limit, whichever is smaller. Its WASI gets no arguments, environment or stdin.
   *
   * @param cpuTimePerCall CPU time of one call, bounded by the group's per-execution limit
   */
  public KeptInstance.Start keep(
      byte[] module, AdmittedGroup requester, long memoryMax, Duration cpuTimePerCall) {
    String group = requester.group();
    String sha256 = sha256(module);
    ModuleInfo info;
    try {
      info =
          infos.get(
              sha256,
              () -> new ModuleParser().parse(new ByteArrayInputStream(module), module.length));
    } catch (WasmFormatException e) {
      return new KeptInstance.Failed(unreadable(e));
    }
    switch (Preflight.bounded(info, limits, engine.proposals(), engine.kind())) {
      case Checked.Failed<Void> failed -> {
        return new KeptInstance.Failed(failed.outcome());
      }
      case Checked.Passed<Void> passed -> {}
    }
    GroupLimits groupQuota = ledger.quota(group);
    if (groupQuota == null) {
      return new KeptInstance.Failed(
          new ExecutionOutcome.Refused(
              Quota.UNKNOWN_GROUP, "group '" + group + "' has no quota on this host"));
    }
    if (module.length > groupQuota.memoryPerExecution()) {
      return new KeptInstance.Failed(tooLargeToCompile(module.length, group, groupQuota));
    }
    GroupLimits quota =
        new GroupLimits(
            groupQuota.cores(),
            groupQuota.memoryTotal(),
            Math.min(memoryMax, groupQuota.memoryPerExecution()),
            cpuTimePerCall.compareTo(groupQuota.cpuTimePerExecution()) < 0
                ? cpuTimePerCall
                : groupQuota.cpuTimePerExecution());
    KeptInstance.Output sink = new KeptInstance.Output();
    GuestState state = new GuestState(settings.outputMax(), sink::capped);
    List<HostFunction> provided =
        new ArrayList<>(
            new WasiPreview1(
                    List.of(),
                    java.util.Map.of(),
                    new byte[0],
                    state,
                    SandboxFs.empty(),
                    () -> {
                      Interruption running = sink.current;
                      return running != null && running.reason().isPresent();
                    })
                .functions());
    if (requester.observe()) {
      provided.addAll(
          new HostFacts(which -> quotaRemaining(group, which), daemonFacts()).functions());
    }
    try {
      provided.addAll(this.imports.functions(info));
    } catch (org.weverywhere.WeverywhereException refused) {
      return new KeptInstance.Failed(new ExecutionOutcome.Invalid(refused.getMessage()));
    }
    List<HostFunction> imports;
    switch (Preflight.links(info, provided)) {
      case Checked.Failed<List<HostFunction>> failed -> {
        return new KeptInstance.Failed(failed.outcome());
      }
      case Checked.Passed<List<HostFunction>> passed -> imports = passed.value();
    }
    MemoryGrant memory;
    switch (MemoryGrant.of(info, group, quota, engine.tableElementBytes())) {
      case Checked.Failed<MemoryGrant> failed -> {
        return new KeptInstance.Failed(failed.outcome());
      }
      case Checked.Passed<MemoryGrant> passed -> memory = passed.value();
    }
    var capped = capped(info, module, memory);
    // the instance holds its memory, tables included, for as long as it lives (issue 13 item 10)
    QuotaLedger.Lease held;
    switch (ledger.reserve(group, memory.reservedBytes())) {
      case QuotaLedger.Denied denied -> {
        return new KeptInstance.Failed(
            new ExecutionOutcome.Refused(denied.quota(), denied.reason()));
      }
      case QuotaLedger.Granted granted -> held = granted.lease();
    }
    boolean ready = false;
    try {
      KeptInstance.Start start =
          keep(
              info,
              module,
              requester,
              quota,
              groupQuota.cpuTimePerExecution(),
              state,
              sink,
              imports,
              memory,
              capped,
              held);
      ready = start instanceof KeptInstance.Ready;
      return start;
    } finally {
      if (!ready) {
        held.close();
      }
    }
  }

  private KeptInstance.Start keep(
      ModuleInfo info,
      byte[] module,
      AdmittedGroup requester,
      GroupLimits quota,
      Duration compileCpu,
      GuestState state,
      KeptInstance.Output sink,
      List<HostFunction> imports,
      MemoryGrant memory,
      WasmEngine.Module capped,
      QuotaLedger.Lease held) {
    Interruption starting = new Interruption();
    sink.current = starting;
    var clock = new Clock();
    // the group's budget, not a service's smaller one per call: a library is compiled once per
    // instance start, and a compile refused there would fail every restart alike
    var compiling =
        new Compiling(
            new Compiler.Budget(
                requester.group(),
                quota.cores(),
                compileCpu,
                settings.wallTimeout(),
                engine.compilesOnCallingThread()),
            module.length);
    var sandbox =
        new WasmEngine.Sandbox(
            imports,
            state,
            starting,
            () ->
                clock.start(
                    watchdog.watch(
                        quota.cpuTimePerExecution(), settings.wallTimeout().toNanos(), starting)),
            compiling);
    WasmEngine.Kept kept;
    try {
      kept = engine.keep(capped, info.exportedFunction("_initialize").isPresent(), sandbox);
    } finally {
      clock.stop();
    }
    if (!(kept.started() instanceof WasmEngine.Returned)) {
      kept.close();
      ExecutionOutcome failed =
          switch (kept.started()) {
            case WasmEngine.Unrunnable unrunnable ->
                new ExecutionOutcome.Invalid(unrunnable.message());
            case WasmEngine.CompileRefused refused ->
                new ExecutionOutcome.Invalid(ErrorCode.WASM_COMPILE_LIMIT, refused.message());
            case WasmEngine.Trap trap ->
                new ExecutionOutcome.Trapped(
                    trap.kind(), "while starting: " + trap.message(), Output.EMPTY, Usage.NONE);
            case WasmEngine.Exited exited ->
                new ExecutionOutcome.Invalid(
                    "the module exited with code "
                        + exited.code()
                        + " while starting; a service must be a reactor");
            case WasmEngine.Interrupted stopped ->
                new ExecutionOutcome.OutOfCpu(false, Output.EMPTY, Usage.NONE);
            case WasmEngine.HeapExhausted heap ->
                new ExecutionOutcome.OutOfMemory(
                    memory.pages() * Limits.PAGE_SIZE,
                    "JVM heap exhausted: " + heap.message(),
                    Output.EMPTY,
                    Usage.NONE);
            case WasmEngine.Returned impossible -> throw new IllegalStateException();
          };
      return new KeptInstance.Failed(failed);
    }
    return new KeptInstance.Ready(
        new KeptInstance(
            info,
            module,
            requester,
            kept,
            state,
            sink,
            quota,
            memory.pages() * Limits.PAGE_SIZE,
            held,
            this));
  }

  /** One call on a kept instance: admitted for a slot, watched, measured. */
  ExecutionOutcome call(KeptInstance instance, WasmEngine.Entry call) {
    String group = instance.requester().group();
    long admitted = System.nanoTime();
    boolean nested = HOLDS_SLOT.get() != null;
    QuotaLedger.Lease lease = () -> {};
    if (!nested) {
      switch (ledger.admit(group, 0, settings.wallTimeout())) {
        case QuotaLedger.Denied denied -> {
          return new ExecutionOutcome.Refused(denied.quota(), denied.reason());
        }
        case QuotaLedger.Granted granted -> lease = granted.lease();
      }
    }
    HOLDS_SLOT.set(Boolean.TRUE);
    try {
      Interruption interruption = new Interruption();
      instance.output().current = interruption;
      GuestState state = instance.state();
      long outputBefore = state.outputBytes();
      long wallLeft = settings.wallTimeout().toNanos() - (System.nanoTime() - admitted);
      var clock = new Clock();
      clock.start(watchdog.watch(instance.quota().cpuTimePerExecution(), wallLeft, interruption));
      WasmEngine.Run run;
      try {
        run = instance.kept().call(call, interruption);
      } finally {
        clock.stop();
      }
      byte[][] captured = state.drain();
      Usage usage =
          new Usage(
              clock.cpu(), clock.wall(), run.memoryBytes(), state.outputBytes() - outputBefore);
      Output output = new Output(captured[0], captured[1]);
      return outcome(run, output, usage, instance.memoryLimit(), interruption);
    } finally {
      if (!nested) {
        HOLDS_SLOT.remove();
      }
      lease.close();
    }
  }

  /**
   * The module with its memories and tables capped to the grant, from the cache when it was made
   * before.
   */
  private WasmEngine.Module capped(ModuleInfo info, byte[] module, MemoryGrant memory) {
    return capped.get(
        info.sha256() + "/" + memory.pages() + "/" + memory.tableElements(),
        () -> {
          byte[] bytes = new ModuleCap(memory.pages(), memory.tableElements()).apply(module);
          return new WasmEngine.Module(
              sha256(bytes), bytes, (int) memory.pages(), memory.tableElements());
        });
  }

  /**
   * Compiling takes memory and time in proportion to the module's size: a group may have a module
   * compiled only as large as one of its executions' memory.
   */
  private static ExecutionOutcome.Invalid tooLargeToCompile(
      long size, String group, GroupLimits quota) {
    return new ExecutionOutcome.Invalid(
        ErrorCode.WASM_COMPILE_LIMIT,
        "the module has "
            + size
            + " bytes; group '"
            + group
            + "' may have modules of at most "
            + quota.memoryPerExecution()
            + " bytes (its memory per execution) compiled");
  }

  /**
   * Compiles within one request's budget (issue 13 item 12): a compile may use as much CPU time as
   * one execution of the group, on top of the run's own budget (which counts from instantiation:
   * the first compile in a JVM also loads the compiler, which no guest should pay for twice). The
   * memory a compile takes (the engine's measured bytes per module byte) is reserved in the host's
   * total until the compile ends, even after the requester stopped waiting for it.
   */
  private final class Compiling implements WasmEngine.Compile {
    private final Compiler.Budget budget;
    private final long moduleBytes;

    Compiling(Compiler.Budget budget, long moduleBytes) {
      this.budget = budget;
      this.moduleBytes = moduleBytes;
    }

    @Override
    public <T> T run(java.util.function.Supplier<T> compile) {
      long bytes = engine.compileBytes(moduleBytes);
      QuotaLedger.Lease memory =
          switch (ledger.reserveCompile(budget.group(), bytes)) {
            case QuotaLedger.Denied denied ->
                throw new Compiler.Refused(
                    "compiling this "
                        + moduleBytes
                        + "-byte module takes about "
                        + bytes
                        + " bytes of memory: "
                        + denied.reason());
            case QuotaLedger.Granted granted -> granted.lease();
          };
      return compiler.compile(budget, compile, memory::close).value();
    }
  }

  /** A module the parser could not read, or read far enough to know it uses what we do not run. */
  private static ExecutionOutcome.Invalid unreadable(WasmFormatException e) {
    return e.code() == org.weverywhere.ErrorCode.WASM_UNSUPPORTED_PROPOSAL
        ? new ExecutionOutcome.Invalid(e.code(), "the module cannot run here: " + e.getMessage())
        : new ExecutionOutcome.Invalid(
            e.code(), "not a valid WebAssembly module: " + e.getMessage());
  }

  private List<HostFunction> provided(
      ModuleInfo info,
      ExecutionRequest request,
      GuestState state,
      SandboxFs fs,
      java.util.function.BooleanSupplier stopRequested) {
    List<HostFunction> functions = new ArrayList<>();
    if (request instanceof CommandRun run) {
      functions.addAll(
          new WasiPreview1(run.args(), run.env(), run.stdin(), state, fs, stopRequested)
              .functions());
    } else {
      functions.addAll(
          new WasiPreview1(List.of(), java.util.Map.of(), new byte[0], state).functions());
    }
    if (request.requester().observe()) {
      String group = request.requester().group();
      functions.addAll(
          new HostFacts(which -> quotaRemaining(group, which), daemonFacts()).functions());
    }
    functions.addAll(imports.functions(info));
    return functions;
  }

  /** What {@code group} has free now: slots and unreserved memory (for describe's "capacity"). */
  public QuotaLedger.Remaining remaining(String group) {
    return ledger.remaining(group);
  }

  /** The daemon's own figures an observer's probe may read (docs/HOST-FACTS.md). */
  private org.weverywhere.exec.host.DaemonFacts daemonFacts() {
    return new org.weverywhere.exec.host.DaemonFacts() {
      @Override
      public java.util.Optional<java.nio.file.Path> disk() {
        return disk;
      }

      @Override
      public long executionsStarted() {
        return started.get();
      }

      @Override
      public List<GroupSlots> slots() {
        List<GroupSlots> slots = new ArrayList<>();
        for (String group : ledger.groups()) {
          GroupLimits quota = ledger.quota(group);
          if (quota != null) {
            slots.add(new GroupSlots(group, ledger.held(group).slots(), quota.cores()));
          }
        }
        return slots;
      }
    };
  }

  /** {@code quota_remaining} of docs/HOST-FACTS.md: -1 unlimited, -2 unknown {@code which}. */
  private long quotaRemaining(String group, int which) {
    QuotaLedger.Remaining left = ledger.remaining(group);
    return switch (which) {
      case 0 -> left.memoryBytes();
      case 1 -> left.slots();
      case 2 -> left.cpuMillisPerExecution();
      case 3 -> -1; // network traffic quotas are not metered by this executor
      default -> -2;
    };
  }

  private static Output output(GuestState state) {
    byte[] stdout = state.stdout();
    byte[] stderr = state.stderr();
    byte[] marker = Output.MARKER.getBytes(StandardCharsets.UTF_8);
    if (state.truncatedFd() == 1) {
      stdout = concat(stdout, marker);
    } else if (state.truncatedFd() == 2) {
      stderr = concat(stderr, marker);
    }
    return new Output(stdout, stderr);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    var out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    return Sha256.hex(bytes);
  }

  @PreDestroy
  public void close() {
    watchdog.close();
    compiler.close();
  }

  /** CPU and wall time of the executing thread between the engine's begin and the end. */
  private static final class Clock {
    private Watchdog.Watch watch;
    private long cpuStart;
    private long wallStart;
    private long cpu;
    private long wall;

    void start(Watchdog.Watch started) {
      watch = started;
      cpuStart = Watchdog.currentThreadCpuNanos();
      wallStart = System.nanoTime();
    }

    void stop() {
      if (watch != null) {
        watch.close();
        cpu = Watchdog.currentThreadCpuNanos() - cpuStart;
        wall = System.nanoTime() - wallStart;
      }
    }

    Duration cpu() {
      return Duration.ofNanos(cpu);
    }

    Duration wall() {
      return Duration.ofNanos(wall);
    }
  }
}
