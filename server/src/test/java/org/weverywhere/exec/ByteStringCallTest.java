package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.weverywhere.exec.TestSetup.MIB;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.ExecutionRequest.FunctionCall;
import org.weverywhere.wasm.CallSignature;

/**
 * The byte-string convention of docs/SERVICES.md through the real executor on both engines: the
 * example {@code text} (real C, real allocator), and a fixture that breaks the convention on
 * purpose ({@code fixtures/badbytes}, with metadata appended here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ByteStringCallTest {
  private static final AdmittedGroup ANONYMOUS = new AdmittedGroup("anonymous", false);
  private final Map<Engine, Executor> executors = new EnumMap<>(Engine.class);

  @BeforeAll
  void start() {
    for (Engine engine : Engine.values()) {
      executors.put(
          engine, TestSetup.executor(engine, 0, new ReservingQuotaLedger(TestSetup.quotas(), 0)));
    }
  }

  @AfterAll
  void stop() {
    executors.values().forEach(Executor::close);
  }

  private ExecutionOutcome call(Engine engine, byte[] module, String function, CallValue... args) {
    return executors
        .get(engine)
        .execute(new FunctionCall(module, function, List.of(args), ANONYMOUS));
  }

  private static List<CallValue> returned(ExecutionOutcome outcome) {
    var completed =
        assertInstanceOf(ExecutionOutcome.Completed.class, outcome, () -> "got " + outcome);
    return assertInstanceOf(ExecutionOutcome.Returned.class, completed.result()).values();
  }

  private static String trap(ExecutionOutcome outcome) {
    var trapped = assertInstanceOf(ExecutionOutcome.Trapped.class, outcome, () -> "got " + outcome);
    assertEquals(TrapKind.HOST, trapped.kind());
    return trapped.message();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void stringsAndBytesGoInThroughTheAllocatorAndComeBackOut(Engine engine) {
    byte[] text = Examples.bytes("text");
    assertEquals(
        List.of(ByteString.of("Hello, wörld")),
        returned(call(engine, text, "concat", ByteString.of("Hello, "), ByteString.of("wörld"))));
    assertEquals(
        List.of(ByteString.of("ABC-ÄX")),
        returned(call(engine, text, "upper", ByteString.of("abc-Äx"))));
    assertEquals(
        List.of(new WasmValue.I32(5)),
        returned(call(engine, text, "length", ByteString.of("wörld"))));
    assertEquals(
        List.of(new ByteString(new byte[] {3, 2, 1, 0}, false)),
        returned(call(engine, text, "reverse", new ByteString(new byte[] {0, 1, 2, 3}, false))));
    assertEquals(
        List.of(ByteString.of("")),
        returned(call(engine, text, "concat", ByteString.of(""), ByteString.of(""))));
    byte[] large = new byte[CallSignature.MAX_BYTES];
    large[0] = 7;
    var reversed =
        (ByteString)
            returned(call(engine, text, "reverse", new ByteString(large, false))).getFirst();
    assertEquals(7, reversed.bytes()[CallSignature.MAX_BYTES - 1]);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aKeptInstanceTakesByteStringsAndKeepsItsState(Engine engine) {
    var start =
        executors
            .get(engine)
            .keep(Examples.bytes("text"), ANONYMOUS, 16 * MIB, Duration.ofMillis(300));
    try (KeptInstance kept =
        assertInstanceOf(KeptInstance.Ready.class, start, start::toString).instance()) {
      for (int i = 0; i < 50; i++) { // results freed and made again: no leak, no stale pointer
        assertEquals(
            List.of(ByteString.of("ab" + i)),
            returned(
                kept.call(
                    "concat", List.of(ByteString.of("ab"), ByteString.of(Integer.toString(i))))));
      }
      assertEquals(List.of(new WasmValue.I32(50)), returned(kept.call("calls", List.of())));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void argumentsMustBeTheDeclaredTypes(Engine engine) {
    byte[] text = Examples.bytes("text");
    var numbers =
        assertInstanceOf(
            ExecutionOutcome.Invalid.class,
            call(
                engine,
                text,
                "concat",
                new WasmValue.I32(1),
                new WasmValue.I32(2),
                new WasmValue.I32(3),
                new WasmValue.I32(4)));
    assertEquals(
        "concat takes (string, string), but the call passes (i32, i32, i32, i32)",
        numbers.reason());
    var bytesForString =
        assertInstanceOf(
            ExecutionOutcome.Invalid.class,
            call(engine, text, "upper", new ByteString(new byte[] {65}, false)));
    assertEquals("upper takes (string), but the call passes (bytes)", bytesForString.reason());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aModuleDeclaringByteStringsWithoutTheAllocatorIsRefusedBeforeItRuns(Engine engine) {
    byte[] math =
        withMetadata(
            Examples.bytes("math"),
            "{\"functions\": {\"add\": {\"params\": [{\"name\": \"s\", \"type\": \"string\"}], \"results\": [\"n\"]}}}");
    var refused =
        assertInstanceOf(
            ExecutionOutcome.Invalid.class, call(engine, math, "add", ByteString.of("x")));
    assertEquals(
        "add declares byte strings but the module does not export weverywhere_alloc (i32) -> i32",
        refused.reason());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void badPointersAndLengthsTrapWithTheReasonAndNeverTouchTheHost(Engine engine) {
    byte[] bad =
        withMetadata(
            Examples.bytes("fixtures/badbytes"),
            """
        {"functions": {
          "echo": {"params": [{"name": "s", "type": "bytes"}], "results": [{"name": "r", "type": "bytes"}]},
          "outside": {"results": [{"name": "r", "type": "bytes"}]},
          "huge": {"results": [{"name": "r", "type": "bytes"}]},
          "notutf8": {"results": [{"name": "r", "type": "string"}]}}}""");
    // the allocator's buffer holds 16 bytes before the end of memory
    assertEquals(
        List.of(new ByteString(new byte[16], false)),
        returned(call(engine, bad, "echo", new ByteString(new byte[16], false))));
    assertEquals(
        "argument 1 of echo: weverywhere_alloc(17) gave [65520, +17) is outside the guest's memory of 65536 bytes",
        trap(call(engine, bad, "echo", new ByteString(new byte[17], false))));
    assertEquals(
        "result of outside: [65000, +1000) is outside the guest's memory of 65536 bytes",
        trap(call(engine, bad, "outside")));
    assertEquals(
        "result of huge is 2097152 bytes, more than the 1048576 a byte string may have",
        trap(call(engine, bad, "huge")));
    assertTrue(
        trap(call(engine, bad, "notutf8"))
            .startsWith("result of notutf8 is a string but not valid UTF-8"));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void valuesOverTheBoundAreNotEvenMade(Engine engine) {
    var tooLarge =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ByteString(new byte[CallSignature.MAX_BYTES + 1], false));
    assertEquals(
        "a byte string of 1048577 bytes is more than the 1048576 a call may pass",
        tooLarge.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new ByteString(new byte[] {(byte) 0xff}, true));
  }

  /** The module with a (later, so winning) weverywhere section holding {@code json}. */
  static byte[] withMetadata(byte[] module, String json) {
    byte[] name = "weverywhere".getBytes(StandardCharsets.UTF_8);
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    var content = new ByteArrayOutputStream();
    content.writeBytes(uleb(name.length));
    content.writeBytes(name);
    content.writeBytes(payload);
    var out = new ByteArrayOutputStream();
    out.writeBytes(module);
    out.write(0);
    out.writeBytes(uleb(content.size()));
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  private static byte[] uleb(int value) {
    var out = new ByteArrayOutputStream();
    do {
      int b = value & 0x7f;
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
    return out.toByteArray();
  }
}
