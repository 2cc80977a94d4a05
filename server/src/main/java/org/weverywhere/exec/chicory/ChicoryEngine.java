package org.weverywhere.exec.chicory;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.TableFactory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.ModuleCache;
import org.weverywhere.exec.TrapKind;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.wasm.Proposal;
import org.weverywhere.wasm.ValueType;

/**
 * Chicory with its bytecode compiler: guest code becomes JVM classes, compiled once per module and
 * shared by every instance; stopped by interrupting the executing thread.
 */
public final class ChicoryEngine implements WasmEngine {
  private final ModuleCache<Compiled> cache;

  private final long compileMaxBytes;

  /** What every cached module's memory pool keeps idle, together. */
  private final MemoryPool.Budget idleMemory =
      new MemoryPool.Budget(MemoryPool.Budget.DEFAULT_BYTES);

  public ChicoryEngine(int cacheSize) {
    this(cacheSize, COMPILE_MAX_BYTES);
  }

  /**
   * @param compileMaxBytes larger modules run interpreted (0: every module; the cold-path bench)
   */
  public ChicoryEngine(int cacheSize, long compileMaxBytes) {
    this.cache = new ModuleCache<>(cacheSize, compiled -> compiled.memories().close());
    this.compileMaxBytes = compileMaxBytes;
  }

  /**
   * @param tableMins each defined table's declared minimum, read before any instance ran: Chicory
   *     1.7.5's {@code TableInstance.grow} adds to the {@code TableLimits} of the parsed module,
   *     which every instance of a cached module shares, so the next instance would start larger
   */
  private record Compiled(
      WasmModule module,
      Function<Instance, Machine> machine,
      long[] tableMins,
      MemoryPool memories) {}

  /**
   * An {@code int} and an {@code Instance} reference per element (8 bytes with compressed oops),
   * twice while {@code table.grow} copies both arrays into new ones: measured 8 bytes retained and
   * 10 at the peak of one grow to 4 Mi elements, docs/ENGINES.md. Each grow copies the whole table,
   * so growing by small steps costs time quadratic in the size: the CPU budget stops it.
   */
  static final long TABLE_ELEMENT_BYTES = 16;

  /** Proposals Chicory 1.7.5's compiler runs, each checked by EngineProposalsTest. */
  private static final Set<Proposal> PROPOSALS =
      EnumSet.of(
          Proposal.SIGN_EXTENSION,
          Proposal.NON_TRAPPING_FLOAT_TO_INT,
          Proposal.MULTI_VALUE,
          Proposal.BULK_MEMORY,
          Proposal.REFERENCE_TYPES,
          Proposal.EXTENDED_CONST,
          Proposal.MULTI_MEMORY,
          Proposal.TAIL_CALLS,
          Proposal.EXCEPTIONS,
          Proposal.THREADS,
          Proposal.FUNCTION_REFERENCES,
          Proposal.GC);

  @Override
  public Engine kind() {
    return Engine.CHICORY;
  }

  /**
   * Chicory builds a Java class per function and keeps the parsed module: the heap's peak grew by
   * 220 MiB compiling a 2 MB module and 638 MiB for a 10 MB one (docs/ENGINES.md), so 128 bytes a
   * module byte. A module it interprets (over {@code compileMaxBytes}) is only parsed: counted at 8
   * bytes a module byte, the parsed module's code and tables beside the bytes themselves.
   */
  @Override
  public long compileBytes(long moduleBytes) {
    return moduleBytes * (moduleBytes > compileMaxBytes ? 8 : 128);
  }

  @Override
  public long tableElementBytes() {
    return TABLE_ELEMENT_BYTES;
  }

  @Override
  public Set<Proposal> proposals() {
    return PROPOSALS;
  }

  /**
   * Fresh table limits for every instance (see {@link Compiled#tableMins}), with the granted
   * maximum, so Chicory itself refuses growth beyond the grant even if the rewrite were bypassed.
   */
  private static TableFactory tables(Compiled compiled, Module module) {
    int[] next = {0};
    return (table, initValue) -> {
      int i = next[0]++;
      long min = i < compiled.tableMins().length ? compiled.tableMins()[i] : table.limits().min();
      long max = Math.min(table.limits().max(), module.tableElements());
      return new TableInstance(
          new Table(
              table.elementType(), new TableLimits(min, Math.max(min, max)), table.initialize()),
          initValue);
    };
  }

  @Override
  public Run run(Module module, Entry entry, Sandbox sandbox) {
    Compiled compiled;
    try {
      compiled = compiled(module, sandbox);
    } catch (ChicoryException e) {
      return new Run(new Unrunnable("Chicory cannot compile the module: " + e.getMessage()), 0);
    } catch (org.weverywhere.exec.Compiler.Refused e) {
      return new Run(new CompileRefused(e.getMessage()), 0);
    }
    sandbox.begin().run();
    // an interrupt the caller already had would stop the guest at once; keep it for afterwards
    boolean callerInterrupted = Thread.interrupted();
    Thread executing = Thread.currentThread();
    sandbox.interruption().arm(executing::interrupt);
    Instance instance = null;
    Ending ending;
    // the memory the instance got from the pool, and its limits, to give back after the run
    com.dylibso.chicory.runtime.Memory[] pooled = {null};
    MemoryLimits[] pooledLimits = {null};
    try {
      instance =
          instantiate(
              compiled,
              module,
              sandbox,
              limits -> { // one memory, the common case, is pooled
                pooledLimits[0] = limits;
                pooled[0] = compiled.memories().take(limits);
                return pooled[0];
              });
      ending = call(instance, entry);
    } catch (Throwable thrown) { // the guest boundary: whatever it did becomes an Ending
      Ending known = WasmEngine.ending(thrown, sandbox);
      ending = known != null ? known : trap(thrown);
    } finally {
      sandbox.interruption().disarm();
      Thread.interrupted(); // a stop that raced the guest's return must not leak to the caller
      if (callerInterrupted) {
        executing.interrupt();
      }
    }
    long memoryBytes = 0;
    if (instance != null && compiled.module().memorySection().isPresent()) {
      memoryBytes = (long) instance.memory().pages() * com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
    }
    if (pooled[0] != null) { // the guest has returned: nothing runs on this memory any more
      compiled.memories().give(pooled[0], pooledLimits[0]);
    }
    return new Run(ending, memoryBytes);
  }

  /**
   * An instance of {@code compiled}, not started, with the sandbox's host functions, its tables and
   * its memory capped to the grant ({@code module.memoryPages()}).
   */
  private static Instance instantiate(Compiled compiled, Module module, Sandbox sandbox) {
    return instantiate(compiled, module, sandbox, null);
  }

  /**
   * As {@link #instantiate(Compiled, Module, Sandbox)}, the memory of a module with one memory from
   * {@code memoryFactory} when one is given (the pool).
   */
  private static Instance instantiate(
      Compiled compiled,
      Module module,
      Sandbox sandbox,
      java.util.function.Function<MemoryLimits, com.dylibso.chicory.runtime.Memory> memoryFactory) {
    var builder =
        Instance.builder(compiled.module())
            .withMachineFactory(compiled.machine())
            .withImportValues(ImportValues.builder().withFunctions(hostFunctions(sandbox)).build())
            .withStart(false)
            .withTableFactory(tables(compiled, module));
    compiled
        .module()
        .memorySection()
        .ifPresent(
            memories -> {
              builder.withMemoryLimits(
                  new MemoryLimits(
                      memories.getMemory(0).limits().initialPages(), module.memoryPages()));
              if (memoryFactory != null && memories.memoryCount() == 1) {
                builder.withMemoryFactory(memoryFactory);
              }
            });
    return builder.build();
  }

  @Override
  public Kept keep(Module module, boolean initialize, Sandbox sandbox) {
    Compiled compiled;
    try {
      compiled = compiled(module, sandbox);
    } catch (ChicoryException e) {
      return new ChicoryKept(
          null,
          null,
          sandbox,
          new Unrunnable("Chicory cannot compile the module: " + e.getMessage()));
    } catch (org.weverywhere.exec.Compiler.Refused e) {
      return new ChicoryKept(null, null, sandbox, new CompileRefused(e.getMessage()));
    }
    sandbox.begin().run();
    Instance[] built = {null};
    Ending started =
        guarded(
            sandbox.state(),
            sandbox.interruption(),
            () -> {
              built[0] = instantiate(compiled, module, sandbox);
              if (initialize) {
                built[0].export("_initialize").apply();
              }
              return new Returned(List.of());
            });
    return new ChicoryKept(built[0], compiled.module(), sandbox, started);
  }

  /**
   * Runs guest code on the calling thread, stoppable by interrupting it; whatever the guest did
   * becomes an Ending. Keeps an interrupt the caller already had for afterwards.
   */
  static Ending guarded(
      org.weverywhere.exec.host.GuestState state,
      org.weverywhere.exec.Interruption interruption,
      java.util.function.Supplier<Ending> guest) {
    boolean callerInterrupted = Thread.interrupted();
    Thread executing = Thread.currentThread();
    interruption.arm(executing::interrupt);
    try {
      return guest.get();
    } catch (Throwable thrown) { // the guest boundary: whatever it did becomes an Ending
      Ending known = WasmEngine.ending(thrown, state, interruption);
      return known != null ? known : trap(thrown);
    } finally {
      interruption.disarm();
      Thread.interrupted(); // a stop that raced the guest's return must not leak to the caller
      if (callerInterrupted) {
        executing.interrupt();
      }
    }
  }

  /** From the cache, or compiled within the request's compile budget. */
  private Compiled compiled(Module module, Sandbox sandbox) {
    Compiled cached = cache.cached(module.sha256());
    return cached != null
        ? cached
        : sandbox.compile().run(() -> cache.get(module.sha256(), () -> compile(module.bytes())));
  }

  /**
   * Largest module compiled to JVM bytecode. A large module costs minutes and gigabytes of heap to
   * compile (Yosys, 30 MB: over 4.5 GB and still going, docs/PERFORMANCE.md), more than any
   * request's compile budget allows; larger modules run in Chicory's interpreter instead, at once.
   */
  static final int COMPILE_MAX_BYTES = 8 << 20;

  private Compiled compile(byte[] bytes) {
    WasmModule module = Parser.parse(bytes);
    long[] tableMins = new long[module.tableSection().tableCount()];
    for (int i = 0; i < tableMins.length; i++) {
      tableMins[i] = module.tableSection().getTable(i).limits().min();
    }
    if (bytes.length > compileMaxBytes) {
      return new Compiled(
          module,
          com.dylibso.chicory.runtime.InterpreterMachine::new,
          tableMins,
          new MemoryPool(idleMemory));
    }
    return new Compiled(
        module, MachineFactoryCompiler.compile(module), tableMins, new MemoryPool(idleMemory));
  }

  static Ending call(Instance instance, Entry entry) {
    return switch (entry) {
      case Start start -> {
        instance.export("_start").apply();
        yield new Exited(0);
      }
      case Call call -> {
        if (call.initialize()) {
          instance.export("_initialize").apply();
        }
        ExportFunction function = instance.export(call.function());
        long[] args = call.args().stream().mapToLong(WasmValue::bits).toArray();
        long[] raw = function.apply(args);
        List<org.weverywhere.exec.CallValue> results = new ArrayList<>();
        List<ValueType> types = call.type().results();
        for (int i = 0; i < types.size(); i++) {
          results.add(WasmValue.ofBits(types.get(i), raw[i]));
        }
        yield new Returned(results);
      }
      case GluedCall glued -> {
        if (glued.initialize()) {
          instance.export("_initialize").apply();
        }
        yield glued
            .glue()
            .run(
                new Guest() {
                  @Override
                  public long[] call(
                      String export, org.weverywhere.wasm.FuncType type, long[] args) {
                    return instance.export(export).apply(args);
                  }

                  @Override
                  public org.weverywhere.exec.host.GuestMemory memory() {
                    return new ChicoryMemory(memoryOf(instance));
                  }
                });
      }
    };
  }

  private static List<ImportFunction> hostFunctions(Sandbox sandbox) {
    List<ImportFunction> functions = new ArrayList<>();
    for (var function : sandbox.imports()) {
      functions.add(
          new HostFunction(
              function.module(),
              function.name(),
              FunctionType.of(
                  function.type().params().stream().map(ChicoryEngine::valType).toList(),
                  function.type().results().stream().map(ChicoryEngine::valType).toList()),
              (instance, args) ->
                  sandbox.call(function, new ChicoryMemory(memoryOf(instance)), args)));
    }
    return functions;
  }

  private static com.dylibso.chicory.runtime.Memory memoryOf(Instance instance) {
    return instance.module().memorySection().isPresent() || instance.imports().memoryCount() > 0
        ? instance.memory()
        : null;
  }

  private static ValType valType(ValueType type) {
    return switch (type) {
      case I32 -> ValType.I32;
      case I64 -> ValType.I64;
      case F32 -> ValType.F32;
      case F64 -> ValType.F64;
      default -> throw new IllegalArgumentException("host functions take numbers, not " + type);
    };
  }

  /** Chicory names traps only in messages; these are its spec-test wordings. */
  private static Ending trap(Throwable thrown) {
    String message = String.valueOf(thrown.getMessage());
    String text = message.toLowerCase(Locale.ROOT);
    TrapKind kind;
    if (text.contains("unreachable")) {
      kind = TrapKind.UNREACHABLE;
    } else if (text.contains("divide by zero") || text.contains("division by zero")) {
      kind = TrapKind.INTEGER_DIVIDE_BY_ZERO;
    } else if (text.contains("integer overflow")) {
      kind = TrapKind.INTEGER_OVERFLOW;
    } else if (text.contains("conversion to integer")) {
      kind = TrapKind.BAD_CONVERSION_TO_INTEGER;
    } else if (text.contains("out of bounds memory")) {
      kind = TrapKind.MEMORY_OUT_OF_BOUNDS;
    } else if (text.contains("undefined element")
        || text.contains("uninitialized element")
        || text.contains("out of bounds table")) {
      kind = TrapKind.TABLE_OUT_OF_BOUNDS;
    } else if (text.contains("indirect call")) {
      kind = TrapKind.INDIRECT_CALL;
    } else if (text.contains("call stack exhausted")) {
      kind = TrapKind.STACK_EXHAUSTED;
    } else {
      kind = TrapKind.OTHER;
      if (!(thrown instanceof TrapException)) { // not a wasm trap: say what it was
        message = thrown.getClass().getSimpleName() + ": " + message;
      }
    }
    return new Trap(kind, message.lines().findFirst().orElse(message));
  }

  @Override
  public void close() {
    cache.clear();
  }
}
