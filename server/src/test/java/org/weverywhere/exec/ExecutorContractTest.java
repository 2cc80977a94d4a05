package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.weverywhere.exec.TestSetup.MIB;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.exec.ExecutionOutcome.Completed;
import org.weverywhere.exec.ExecutionOutcome.Exit;
import org.weverywhere.exec.ExecutionOutcome.Returned;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.exec.ExecutionRequest.FunctionCall;
import org.weverywhere.exec.WasmValue.F32;
import org.weverywhere.exec.WasmValue.F64;
import org.weverywhere.exec.WasmValue.I32;
import org.weverywhere.exec.WasmValue.I64;

/** What every engine must do, real modules through the real executor; one subclass per engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExecutorContractTest {
  static final AdmittedGroup ANONYMOUS = new AdmittedGroup("anonymous", false);

  QuotaLedger ledger;
  Executor executor;

  abstract Engine engine();

  @BeforeAll
  void start() {
    ledger = new ReservingQuotaLedger(TestSetup.quotas(), 0);
    executor = TestSetup.executor(engine(), 0, ledger);
  }

  @AfterAll
  void stop() {
    executor.close();
  }

  ExecutionOutcome command(String example, AdmittedGroup requester, String... args) {
    return command(example, requester, new byte[0], args);
  }

  ExecutionOutcome command(String example, AdmittedGroup requester, byte[] stdin, String... args) {
    var argv = new java.util.ArrayList<String>(List.of(example));
    argv.addAll(List.of(args));
    return executor.execute(
        new CommandRun(Examples.bytes(example), argv, Map.of(), stdin, requester));
  }

  ExecutionOutcome call(String function, WasmValue... args) {
    return executor.execute(
        new FunctionCall(Examples.bytes("math"), function, List.of(args), ANONYMOUS));
  }

  static <T> T expect(Class<T> type, ExecutionOutcome outcome) {
    return assertInstanceOf(type, outcome, () -> "got " + outcome);
  }

  static void assertExit(int code, ExecutionOutcome outcome) {
    assertEquals(new Exit(code), expect(Completed.class, outcome).result(), outcome::toString);
  }

  @Test
  void helloSeesOnlyItsArgumentsEnvironmentAndStdin() {
    ExecutionOutcome outcome =
        executor.execute(
            new CommandRun(
                Examples.bytes("hello"),
                List.of("hello", "a1", "two words"),
                Map.of("GREETING", "hi"),
                "piped\n".getBytes(StandardCharsets.UTF_8),
                ANONYMOUS));
    assertExit(0, outcome);
    assertEquals(
        "hello from WEverywhere\narg[0]=hello\narg[1]=a1\narg[2]=two words\nenv[0]=GREETING=hi\n"
            + "stdin=6 bytes\npiped\n",
        outcome.output().stdoutText());
    assertTrue(outcome.usage().peakMemoryBytes() > 0);
    assertTrue(outcome.usage().outputBytes() > 0);
  }

  @Test
  void fibPrintsAndExitsWithItsCode() {
    ExecutionOutcome ok = command("fib", ANONYMOUS, "25");
    assertExit(0, ok);
    assertEquals("fib(25) = 75025\n", ok.output().stdoutText());
    ExecutionOutcome bad = command("fib", ANONYMOUS, "minus");
    assertExit(2, bad);
    assertTrue(bad.output().stderrText().startsWith("usage: fib"), bad.output().stderrText());
  }

  @Test
  void typedFunctionsOfEveryValueType() {
    assertEquals(List.of(new I32(42)), returned(call("add", new I32(40), new I32(2))));
    assertEquals(List.of(new I32(1)), returned(call("is_prime", new I32(7919))));
    assertEquals(
        List.of(new I64(1L << 40)),
        returned(call("add_i64", new I64(1L << 39), new I64(1L << 39))));
    assertEquals(List.of(new I64(6)), returned(call("gcd", new I64(54), new I64(-24))));
    assertEquals(
        List.of(new I64(2_432_902_008_176_640_000L)), returned(call("factorial", new I32(20))));
    assertEquals(List.of(new F32(7.5f)), returned(call("scale_f32", new F32(2.5f), new F32(3f))));
    assertEquals(List.of(new F64(0.5)), returned(call("mul_f64", new F64(0.25), new F64(2))));
    assertEquals(List.of(new F64(5.0)), returned(call("hypot_f64", new F64(3), new F64(4))));
  }

  private static List<CallValue> returned(ExecutionOutcome outcome) {
    return assertInstanceOf(Returned.class, expect(Completed.class, outcome).result()).values();
  }

  @Test
  void argumentsAreCheckedAgainstTheFunctionTypeBeforeInstantiating() {
    var wrongType = expect(ExecutionOutcome.Invalid.class, call("add", new I32(1), new F64(2)));
    assertEquals("add takes (i32, i32), but the call passes (i32, f64)", wrongType.reason());
    var tooFew = expect(ExecutionOutcome.Invalid.class, call("gcd", new I64(1)));
    assertEquals("gcd takes (i64, i64), but the call passes (i64)", tooFew.reason());
    var missing = expect(ExecutionOutcome.Invalid.class, call("sub", new I32(1)));
    assertEquals("the module exports no function 'sub'", missing.reason());
    var reactor = expect(ExecutionOutcome.Invalid.class, command("math", ANONYMOUS));
    assertTrue(reactor.reason().contains("without _start"), reactor.reason());
    // the codes the error reply carries (docs/PROTOCOL.md §4): bad arguments, no such function, the
    // rest
    assertEquals(org.weverywhere.ErrorCode.WASM_BAD_ARGUMENT, wrongType.code());
    assertEquals(org.weverywhere.ErrorCode.WASM_BAD_ARGUMENT, tooFew.code());
    assertEquals(org.weverywhere.ErrorCode.WASM_NO_FUNCTION, missing.code());
    assertEquals(org.weverywhere.ErrorCode.WASM_MALFORMED, reactor.code());
  }

  @Test
  void endlessLoopIsStoppedAtItsCpuBudget() {
    ExecutionOutcome outcome = command("fixtures/loop", ANONYMOUS);
    var out = expect(ExecutionOutcome.OutOfCpu.class, outcome);
    assertTrue(!out.wallClock());
    Duration cpu = outcome.usage().cpuTime();
    assertTrue(cpu.compareTo(TestSetup.CPU_BUDGET) >= 0, "stopped early: " + cpu);
    assertTrue(cpu.compareTo(TestSetup.CPU_BUDGET.plusMillis(250)) < 0, "stopped late: " + cpu);
    assertJvmStillRuns();
  }

  @Test
  void unboundedRecursionIsATrapNotACrash() {
    var trapped = expect(ExecutionOutcome.Trapped.class, command("fixtures/recurse", ANONYMOUS));
    assertEquals(TrapKind.STACK_EXHAUSTED, trapped.kind(), trapped.message());
    assertJvmStillRuns();
  }

  @Test
  void trapsAreNamed() {
    assertEquals(
        TrapKind.UNREACHABLE,
        expect(ExecutionOutcome.Trapped.class, command("fixtures/trap", ANONYMOUS)).kind());
    var divide =
        executor.execute(
            new FunctionCall(
                Examples.bytes("fixtures/trap"),
                "divide",
                List.of(new I32(1), new I32(0)),
                ANONYMOUS));
    assertEquals(
        TrapKind.INTEGER_DIVIDE_BY_ZERO, expect(ExecutionOutcome.Trapped.class, divide).kind());
  }

  @Test
  void moduleStartingAboveTheMemoryGrantIsRefusedUpFront() {
    var refused = expect(ExecutionOutcome.Refused.class, command("fixtures/bigmem", ANONYMOUS));
    assertEquals(Quota.MEMORY_PER_EXECUTION, refused.quota());
    assertTrue(refused.reason().contains("131072000 bytes"), refused.reason());
  }

  @Test
  void endlessOutputIsCutAtTheCapWithAMarker() {
    ExecutionOutcome outcome = command("fixtures/spew", ANONYMOUS);
    var truncated = expect(ExecutionOutcome.OutputTruncated.class, outcome);
    String stdout = truncated.output().stdoutText();
    assertTrue(stdout.endsWith(Output.MARKER));
    assertEquals(TestSetup.OUTPUT_MAX + Output.MARKER.length(), stdout.length());
    assertTrue(stdout.startsWith("spew spew"));
  }

  @Test
  void malformedModuleIsInvalid() {
    var invalid =
        expect(
            ExecutionOutcome.Invalid.class,
            executor.execute(
                new CommandRun(
                    new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 99},
                    List.of(),
                    Map.of(),
                    new byte[0],
                    ANONYMOUS)));
    assertTrue(
        invalid.reason().startsWith("not a valid WebAssembly module: at byte"), invalid.reason());
    var notWasm =
        expect(
            ExecutionOutcome.Invalid.class,
            executor.execute(
                new CommandRun(
                    "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8),
                    List.of(),
                    Map.of(),
                    new byte[0],
                    ANONYMOUS)));
    assertTrue(notWasm.reason().startsWith("not a valid WebAssembly module"), notWasm.reason());
  }

  @Test
  void memoryBombStaysWithinItsGrantAndTheReservationIsReleased() {
    AdmittedGroup small = new AdmittedGroup("small-memory", false);
    ExecutionOutcome outcome = command("memhog", small, "1");
    assertExit(3, outcome); // malloc failed: memory.grow said no at the cap
    assertTrue(outcome.usage().peakMemoryBytes() <= 16 * MIB, outcome.usage().toString());
    assertTrue(outcome.usage().peakMemoryBytes() > 8 * MIB, outcome.usage().toString());
    assertTrue(
        outcome.output().stdoutText().contains("malloc failed after 1"),
        outcome.output().stdoutText());
    assertEquals(16 * MIB, ledger.remaining("small-memory").memoryBytes());
    assertEquals(2, ledger.remaining("small-memory").slots());
  }

  /**
   * {@code (memory (export "memory") 1) (func (export "_start") (loop (br_if 0 (i32.ne (memory.grow
   * (i32.const 1)) (i32.const -1)))) unreachable)}: grows until refused, then traps.
   */
  static final byte[] GROW_UNTIL_REFUSED = {
    0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, // type () -> ()
    3, 2, 1, 0, // one function of type 0
    5, 3, 1, 0, 1, // memory min 1, no max
    7, 19, 2, 6, '_', 's', 't', 'a', 'r', 't', 0, 0, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0, 10, 17,
    1, 15, 0, // code: one body of 15 bytes, no locals
    0x03, 0x40, 0x41, 1, 0x40, 0, 0x41, 0x7f, 0x47, 0x0d, 0, 0x0b, 0x00, 0x0b
  };

  @Test
  void trappingAtTheMemoryGrantIsOutOfMemory() {
    ExecutionOutcome outcome =
        executor.execute(
            new CommandRun(
                GROW_UNTIL_REFUSED,
                List.of("grow"),
                Map.of(),
                new byte[0],
                new AdmittedGroup("small-memory", false)));
    var out = expect(ExecutionOutcome.OutOfMemory.class, outcome);
    assertEquals(16 * MIB, out.limitBytes());
    assertEquals(16 * MIB, outcome.usage().peakMemoryBytes());
    assertEquals(16 * MIB, ledger.remaining("small-memory").memoryBytes());
  }

  /** {@code _start} asks {@code random_get} to fill 2 GiB of its one-page memory. */
  static byte[] randomGetBeyondMemory() {
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    out.writeBytes(new byte[] {1, 10, 2, 0x60, 2, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0});
    out.writeBytes(new byte[] {2, 37, 1, 22});
    out.writeBytes("wasi_snapshot_preview1".getBytes(StandardCharsets.UTF_8));
    out.write(10);
    out.writeBytes("random_get".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {0, 0});
    out.writeBytes(new byte[] {3, 2, 1, 1, 5, 3, 1, 0, 1});
    out.writeBytes(
        new byte[] {
          7, 19, 2, 6, '_', 's', 't', 'a', 'r', 't', 0, 1, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0
        });
    out.writeBytes(
        new byte[] {10, 15, 1, 13, 0, 0x41, 0, 0x41, -1, -1, -1, -1, 0x07, 0x10, 0, 0x1a, 0x0b});
    return out.toByteArray();
  }

  @Test
  void aHostCallOutsideGuestMemoryIsAnErrnoNotATrapNorAHostAllocation() {
    // random_get(0, 4 GiB - 1) in a 64 KiB memory: EFAULT, which this guest ignores and returns
    assertExit(
        0,
        executor.execute(
            new CommandRun(
                randomGetBeyondMemory(), List.of("r"), Map.of(), new byte[0], ANONYMOUS)));
  }

  @Test
  void hostileLengthsAndPointersGetAnErrnoAndTheGuestGoesOn() {
    // fixtures/hostile.wat exits 100 * check + errno at the first unexpected answer
    assertExit(0, command("fixtures/hostile", ANONYMOUS));
  }

  static org.weverywhere.files.Preopen data(org.weverywhere.files.TreeEntry... entries) {
    return new org.weverywhere.files.Preopen(
        "data", new org.weverywhere.files.DirTree(List.of(entries)));
  }

  ExecutionOutcome files(List<org.weverywhere.files.Preopen> dirs, String... args) {
    var argv = new java.util.ArrayList<String>(List.of("files"));
    argv.addAll(List.of(args));
    return executor.execute(
        new CommandRun(Examples.bytes("files"), argv, Map.of(), new byte[0], ANONYMOUS, dirs));
  }

  @Test
  void aProgramWorksOnItsPreopenedTreeAndTheChangedTreeComesBack() {
    var in =
        new org.weverywhere.files.TreeEntry.File(
            "in.txt", "hello, files".getBytes(StandardCharsets.UTF_8), 1_000);
    var gone = new org.weverywhere.files.TreeEntry.File("gone.txt", new byte[3], 2_000);
    var outcome = files(List.of(data(in, gone)), "upper", "data");
    assertExit(0, outcome);
    var done = expect(Completed.class, outcome);
    assertEquals("upper: 12 bytes from data/in.txt to data/out.txt\n", done.output().stdoutText());
    var tree = done.trees().getFirst();
    assertEquals("data", tree.guestPath());
    var paths = tree.tree().entries().stream().map(org.weverywhere.files.TreeEntry::path).toList();
    assertEquals(List.of("in.txt", "made", "out.txt"), paths);
    var out = (org.weverywhere.files.TreeEntry.File) tree.tree().entries().get(2);
    assertEquals("HELLO, FILES", new String(out.content(), StandardCharsets.UTF_8));
    assertEquals(
        1_000, tree.tree().entries().get(0).mtimeNanos(), "untouched files keep their time");
  }

  @Test
  void aTreeThatIsNotChangedDoesNotComeBack() {
    var outcome = files(List.of(data()), "upper", "data");
    assertExit(1, outcome);
    assertTrue(
        outcome.output().stderrText().contains("No such file"), outcome.output().stderrText());
    assertEquals(List.of(), expect(Completed.class, outcome).trees());
  }

  @Test
  void treesLargerThanTheDiskQuotaAreRefusedBeforeAnythingRuns() {
    var big = new org.weverywhere.files.TreeEntry.File("in.txt", new byte[(int) (17 * MIB)], 0);
    var refused =
        expect(ExecutionOutcome.Refused.class, files(List.of(data(big)), "upper", "data"));
    assertEquals(Quota.DISK_PER_EXECUTION, refused.quota());
    assertTrue(refused.reason().contains("quota.disk.per-execution"), refused.reason());
  }

  @Test
  void badTreesAreInvalidBeforeAnythingRuns() {
    var escaping = new org.weverywhere.files.TreeEntry.Symlink("l", "../../etc/passwd", 0);
    var invalid =
        expect(ExecutionOutcome.Invalid.class, files(List.of(data(escaping)), "upper", "data"));
    assertTrue(invalid.reason().contains("outside the tree"), invalid.reason());
    var twice =
        expect(ExecutionOutcome.Invalid.class, files(List.of(data(), data()), "upper", "data"));
    assertTrue(twice.reason().contains("two directory trees"), twice.reason());
  }

  @Test
  void aGuestWritingBeyondItsDiskQuotaIsToldTheDiskIsFull() {
    var outcome = files(List.of(data()), "churn", "data", "20");
    assertExit(1, outcome);
    assertTrue(outcome.output().stderrText().contains("No space"), outcome.output().stderrText());
    assertExit(0, files(List.of(data()), "churn", "data", "4"));
  }

  @Test
  void hostFactsNeedTheObservePrivilege() {
    var refused = expect(ExecutionOutcome.Invalid.class, command("sysinfo", ANONYMOUS));
    assertTrue(refused.reason().contains("observe privilege"), refused.reason());
  }

  @Test
  void sysinfoPrintsHostFactsForObservers() throws Exception {
    ExecutionOutcome outcome = command("sysinfo", new AdmittedGroup("observers", true));
    assertExit(0, outcome);
    JsonNode json = new ObjectMapper().readTree(outcome.output().stdoutText());
    assertEquals(Runtime.getRuntime().availableProcessors(), json.get("cpu_logical_cores").asInt());
    assertTrue(json.get("memory_total_bytes").asLong() >= json.get("memory_free_bytes").asLong());
    assertTrue(json.get("uptime_millis").asLong() > 0);
    // an f64 result: on Linux /proc/loadavg is always known, so never null (negative)
    assertTrue(json.get("load_average").get("1m").isNumber(), json.toString());
    assertTrue(json.get("load_average").get("15m").asDouble() >= 0, json.toString());
    JsonNode quota = json.get("quota_remaining");
    // the probe itself holds its group's only slot while it asks
    assertEquals(0, quota.get("execution_slots").asInt());
    assertEquals(TestSetup.CPU_BUDGET.toMillis(), quota.get("cpu_millis_per_execution").asLong());
    assertTrue(quota.get("network_bytes_in_period").isNull());
  }

  @Test
  void probeLoadShowsEverySlotOfEveryGroupAndCountsExecutions() throws Exception {
    assertExit(0, command("hello", ANONYMOUS));
    ExecutionOutcome outcome = command("probe-load", new AdmittedGroup("observers", true));
    assertExit(0, outcome);
    JsonNode json = new ObjectMapper().readTree(outcome.output().stdoutText());
    assertEquals(Runtime.getRuntime().availableProcessors(), json.get("cpu_logical_cores").asInt());
    assertTrue(json.get("load_average").get("1m").asDouble() >= 0, json.toString());
    // hello and the probe itself at least (other tests of this class may have run before)
    assertTrue(json.get("executions_started").asLong() >= 2, json.toString());
    JsonNode slots = json.get("slots");
    assertEquals(4, slots.size(), json.toString());
    // the probe holds the observers' only slot while it asks
    assertEquals(1, slots.get("observers").get("in_use").asInt(), json.toString());
    assertEquals(1, slots.get("observers").get("total").asInt(), json.toString());
    assertEquals(0, slots.get("anonymous").get("in_use").asInt(), json.toString());
    assertEquals(2, slots.get("anonymous").get("total").asInt(), json.toString());
  }

  @Test
  void probeMemoryAndProbeDiskRunForObserversOnly() throws Exception {
    ExecutionOutcome memory = command("probe-memory", new AdmittedGroup("observers", true));
    assertExit(0, memory);
    JsonNode json = new ObjectMapper().readTree(memory.output().stdoutText());
    assertTrue(
        json.get("memory_total_bytes").asLong() >= json.get("memory_free_bytes").asLong(),
        json.toString());
    // the probe holds its group's 64 MiB itself: whole pages of memory plus its table's share,
    // which leaves less than one page free
    long free = json.get("quota_memory_bytes").asLong();
    assertTrue(
        free >= 0 && free < 65_536,
        "the probe holds all 64 MiB of its group but a part of a page: " + json);
    // an executor given no state directory knows no disk: the probe says null, not a made-up figure
    ExecutionOutcome disk = command("probe-disk", new AdmittedGroup("observers", true));
    assertExit(0, disk);
    assertEquals(
        "{\"disk_total_bytes\":null,\"disk_free_bytes\":null}\n", disk.output().stdoutText());
    for (String probe : List.of("probe-load", "probe-memory", "probe-disk")) {
      var refused = expect(ExecutionOutcome.Invalid.class, command(probe, ANONYMOUS));
      assertTrue(refused.reason().contains("observe privilege"), probe + ": " + refused.reason());
    }
  }

  /**
   * Seconds of wall time a loop may take to spend its group's CPU budget (3 s at most). The budget
   * counts CPU time, and on a loaded 2-core machine the loop's thread gets a fraction of a core: a
   * wait of 10 s timed out here once with a CI run beside the test.
   */
  private static final int LOOP_ENDS = 60;

  @Test
  void aGroupAtItsLimitsIsRefusedWhileAnotherGroupRuns() throws Exception {
    AdmittedGroup oneSlot = new AdmittedGroup("one-slot", false);
    CompletableFuture<ExecutionOutcome> running =
        CompletableFuture.supplyAsync(() -> command("fixtures/loop", oneSlot));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ledger.remaining("one-slot").slots() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    var refused = expect(ExecutionOutcome.Refused.class, command("fixtures/loop", oneSlot));
    assertEquals(Quota.QUEUE_FULL, refused.quota(), refused.reason());
    assertExit(0, command("fib", ANONYMOUS, "20"));
    expect(ExecutionOutcome.OutOfCpu.class, running.get(LOOP_ENDS, TimeUnit.SECONDS));
    assertEquals(1, ledger.remaining("one-slot").slots());
  }

  @Test
  void aGroupWhoseMemoryIsHeldIsRefused() throws Exception {
    // loop declares no maximum, so it is granted (and holds) the group's whole 16 MiB
    AdmittedGroup small = new AdmittedGroup("small-memory", false);
    CompletableFuture<ExecutionOutcome> running =
        CompletableFuture.supplyAsync(() -> command("fixtures/loop", small));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ledger.remaining("small-memory").memoryBytes() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    var refused = expect(ExecutionOutcome.Refused.class, command("hello", small));
    assertEquals(Quota.GROUP_MEMORY, refused.quota(), refused.reason());
    assertExit(0, command("hello", ANONYMOUS));
    expect(ExecutionOutcome.OutOfCpu.class, running.get(LOOP_ENDS, TimeUnit.SECONDS));
    assertEquals(16 * MIB, ledger.remaining("small-memory").memoryBytes());
  }

  @Test
  void wallClockTimeoutStopsAGuestWhoseCpuBudgetIsLarger() {
    var settings = new ExecutorParameters(engine(), 4, 1024, Duration.ofMillis(300), 0);
    var quotas = new ReservingQuotaLedger(TestSetup.quotas(), 0);
    Executor shortWall = new Executor(settings, quotas, new ExecutorBeans().engine(settings));
    try {
      ExecutionOutcome outcome =
          shortWall.execute(
              new CommandRun(
                  Examples.bytes("fixtures/loop"),
                  List.of("loop"),
                  Map.of(),
                  new byte[0],
                  new AdmittedGroup("one-slot", false)));
      assertTrue(expect(ExecutionOutcome.OutOfCpu.class, outcome).wallClock());
      assertTrue(outcome.usage().wallTime().toMillis() < 1000, outcome.usage().toString());
    } finally {
      shortWall.close();
    }
  }

  @Test
  void unknownGroupIsRefused() {
    var refused =
        expect(
            ExecutionOutcome.Refused.class,
            command("hello", new AdmittedGroup("strangers", false)));
    assertEquals(Quota.UNKNOWN_GROUP, refused.quota());
  }

  KeptInstance keep(String example, AdmittedGroup requester) {
    var start = executor.keep(Examples.bytes(example), requester, 64 * MIB, Duration.ofMillis(300));
    return assertInstanceOf(KeptInstance.Ready.class, start, () -> "got " + start).instance();
  }

  /** Issue 16: executions may reuse memories (Chicory's pool); none sees what another left. */
  @Test
  void anExecutionSeesNoneOfTheMemoryThePreviousOneLeft() {
    for (int i = 0; i < 4; i++) {
      var put =
          new FunctionCall(
              Examples.bytes("kv"), "put", List.of(new I64(7), new I64(70 + i)), ANONYMOUS);
      assertEquals(
          List.of(new I32(1)),
          returned(executor.execute(put)),
          "execution " + i + ": key 7 is new in a fresh table");
    }
    var calls = new FunctionCall(Examples.bytes("kv"), "calls", List.of(), ANONYMOUS);
    assertEquals(
        List.of(new I64(0)), returned(executor.execute(calls)), "no call before this one counted");
  }

  @Test
  void keptInstanceKeepsItsStateFromCallToCall() {
    try (KeptInstance kv = keep("kv", ANONYMOUS)) {
      assertEquals(List.of(new I32(1)), returned(kv.call("put", List.of(new I64(7), new I64(70)))));
      assertEquals(List.of(new I32(1)), returned(kv.call("put", List.of(new I64(8), new I64(80)))));
      assertEquals(List.of(new I32(0)), returned(kv.call("put", List.of(new I64(7), new I64(71)))));
      assertEquals(List.of(new I32(2)), returned(kv.call("count", List.of())));
      assertEquals(
          List.of(new I64(71)), returned(kv.call("get", List.of(new I64(7), new I64(-1)))));
      assertEquals(
          List.of(new I64(-1)), returned(kv.call("get", List.of(new I64(9), new I64(-1)))));
      assertEquals(List.of(new I64(6)), returned(kv.call("calls", List.of())));
    }
    // a fresh instance starts empty: the state was the instance's, not the module's
    try (KeptInstance kv = keep("kv", ANONYMOUS)) {
      assertEquals(List.of(new I32(0)), returned(kv.call("count", List.of())));
    }
  }

  @Test
  void keptInstanceChecksFunctionAndArgumentsLikeAnExecution() {
    try (KeptInstance kv = keep("kv", ANONYMOUS)) {
      assertEquals(
          "the module exports no function 'nope'",
          expect(ExecutionOutcome.Invalid.class, kv.call("nope", List.of())).reason());
      assertEquals(
          org.weverywhere.ErrorCode.WASM_NO_FUNCTION,
          expect(ExecutionOutcome.Invalid.class, kv.call("nope", List.of())).code());
      assertEquals(
          org.weverywhere.ErrorCode.WASM_BAD_ARGUMENT,
          expect(ExecutionOutcome.Invalid.class, kv.call("put", List.of(new I32(1)))).code());
      assertEquals(
          "put takes (i64, i64), but the call passes (i32)",
          expect(ExecutionOutcome.Invalid.class, kv.call("put", List.of(new I32(1)))).reason());
      assertEquals(List.of(new I32(0)), returned(kv.call("count", List.of())));
    }
  }

  @Test
  void keptInstanceTrapsAndRunawayCallsEndWithAClearOutcome() {
    try (KeptInstance kv = keep("kv", ANONYMOUS)) {
      assertEquals(List.of(new I32(20)), returned(kv.call("crash", List.of(new I32(5)))));
      var trapped = expect(ExecutionOutcome.Trapped.class, kv.call("crash", List.of(new I32(0))));
      assertEquals(TrapKind.INTEGER_DIVIDE_BY_ZERO, trapped.kind());
    }
    try (KeptInstance loop = keep("fixtures/loop", ANONYMOUS)) {
      ExecutionOutcome outcome = loop.call("_start", List.of());
      assertEquals(false, expect(ExecutionOutcome.OutOfCpu.class, outcome).wallClock());
      assertTrue(outcome.usage().cpuTime().toMillis() >= 250, outcome.usage().toString());
    }
    assertJvmStillRuns();
    assertEquals(128 * MIB, ledger.remaining("anonymous").memoryBytes());
  }

  @Test
  void keepingRefusesWhatCannotRunAsAnInstance() {
    var unknown =
        executor.keep(
            Examples.bytes("kv"),
            new AdmittedGroup("strangers", false),
            MIB,
            Duration.ofSeconds(1));
    assertEquals(
        Quota.UNKNOWN_GROUP,
        expect(
                ExecutionOutcome.Refused.class,
                assertInstanceOf(KeptInstance.Failed.class, unknown).outcome())
            .quota());
    var bigmem =
        executor.keep(Examples.bytes("fixtures/bigmem"), ANONYMOUS, MIB, Duration.ofSeconds(1));
    expect(
        ExecutionOutcome.Refused.class,
        assertInstanceOf(KeptInstance.Failed.class, bigmem).outcome());
  }

  private void assertJvmStillRuns() {
    assertExit(0, command("fib", ANONYMOUS, "10"));
  }
}
