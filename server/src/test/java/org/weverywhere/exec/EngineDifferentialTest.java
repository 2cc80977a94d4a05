package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.exec.ExecutionRequest.FunctionCall;
import org.weverywhere.exec.WasmValue.F32;
import org.weverywhere.exec.WasmValue.F64;
import org.weverywhere.exec.WasmValue.I32;
import org.weverywhere.exec.WasmValue.I64;

/** Each engine is the other's oracle: the same request must end the same way, byte for byte. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineDifferentialTest {
  private static final AdmittedGroup ANONYMOUS = new AdmittedGroup("anonymous", false);
  private Executor wasmtime;
  private Executor chicory;

  @BeforeAll
  void start() {
    wasmtime =
        TestSetup.executor(Engine.WASMTIME, 0, new ReservingQuotaLedger(TestSetup.quotas(), 0));
    chicory =
        TestSetup.executor(Engine.CHICORY, 0, new ReservingQuotaLedger(TestSetup.quotas(), 0));
  }

  @AfterAll
  void stop() {
    wasmtime.close();
    chicory.close();
  }

  static Stream<Arguments> requests() {
    byte[] stdin = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        run("hello", ANONYMOUS, stdin, "x", "two words"),
        run("hello", ANONYMOUS, new byte[0]),
        run("fib", ANONYMOUS, new byte[0], "27"),
        run("fib", ANONYMOUS, new byte[0], "93"),
        run("memhog", new AdmittedGroup("small-memory", false), new byte[0], "1"),
        run("memhog", new AdmittedGroup("small-memory", false), new byte[0], "4"),
        run("sysinfo", ANONYMOUS, new byte[0]),
        run("echo", ANONYMOUS, new byte[0]),
        run("math", ANONYMOUS, new byte[0]),
        run("fixtures/loop", ANONYMOUS, new byte[0]),
        run("fixtures/recurse", ANONYMOUS, new byte[0]),
        run("fixtures/trap", ANONYMOUS, new byte[0]),
        run("fixtures/bigmem", ANONYMOUS, new byte[0]),
        run("fixtures/spew", ANONYMOUS, new byte[0]),
        run("fixtures/everything", ANONYMOUS, new byte[0]),
        call("math", "add", new I32(Integer.MAX_VALUE), new I32(1)),
        call("math", "is_prime", new I32(2_147_483_647)),
        call("math", "add_i64", new I64(Long.MIN_VALUE), new I64(-1)),
        call("math", "gcd", new I64(0), new I64(0)),
        call("math", "factorial", new I32(21)),
        call("math", "scale_f32", new F32(Float.NaN), new F32(2)),
        call("math", "mul_f64", new F64(Double.MAX_VALUE), new F64(2)),
        call("math", "hypot_f64", new F64(-0.0), new F64(Double.MIN_VALUE)),
        call("echo", "calls"),
        call("echo", "alloc", new I32(16)),
        call("fixtures/trap", "divide", new I32(Integer.MIN_VALUE), new I32(-1)));
  }

  private static Arguments run(
      String example, AdmittedGroup requester, byte[] stdin, String... args) {
    var argv = new java.util.ArrayList<String>(List.of(example));
    argv.addAll(List.of(args));
    return Arguments.of(
        example + " " + String.join(" ", args),
        new CommandRun(Examples.bytes(example), argv, Map.of("LANG", "C"), stdin, requester));
  }

  private static Arguments call(String example, String function, WasmValue... args) {
    return Arguments.of(
        example + "." + function + List.of(args),
        new FunctionCall(Examples.bytes(example), function, List.of(args), ANONYMOUS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void bothEnginesEndAlike(String name, ExecutionRequest request) {
    assertEquals(comparable(wasmtime.execute(request)), comparable(chicory.execute(request)));
  }

  /** The outcome without what may differ: timing, and engine-specific trap messages. */
  private static String comparable(ExecutionOutcome outcome) {
    String what =
        switch (outcome) {
          case ExecutionOutcome.Completed c -> "completed " + c.result();
          case ExecutionOutcome.Trapped t -> "trapped " + t.kind();
          case ExecutionOutcome.OutOfCpu o -> "out of cpu, wall clock " + o.wallClock();
          case ExecutionOutcome.OutOfMemory o -> "out of memory " + o.limitBytes();
          case ExecutionOutcome.OutputTruncated o -> "output truncated";
          case ExecutionOutcome.Refused r -> "refused " + r.quota() + ": " + r.reason();
          case ExecutionOutcome.Invalid i -> "invalid: " + i.reason();
        };
    return what
        + "\npeak memory "
        + outcome.usage().peakMemoryBytes()
        + ", output bytes "
        + (outcome instanceof ExecutionOutcome.OutputTruncated
            ? "(cut)"
            : outcome.usage().outputBytes())
        + "\nstdout:\n"
        + outcome.output().stdoutText()
        + "\nstderr:\n"
        + outcome.output().stderrText();
  }
}
