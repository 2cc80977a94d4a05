package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.exec.host.GuestState;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;
import org.weverywhere.wasm.Proposal;
import org.weverywhere.wasm.ValueType;
import org.weverywhere.wasm.WasmFormatException;

/**
 * Issue 14 item 6: for each proposal, a tiny module whose {@code run} returns 42 using it. Each
 * engine's claim ({@link WasmEngine#proposals()}, the table in docs/ENGINES.md) is checked by
 * running the module on the engine directly, past our own checks; through the executor a module
 * using a proposal the engine does not run is refused before running, naming the proposal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineProposalsTest {
  private final List<WasmEngine> engines = new ArrayList<>();
  private final List<Executor> executors = new ArrayList<>();

  @BeforeAll
  void start() {
    for (Engine kind : Engine.values()) {
      ExecutorParameters settings = TestSetup.settings(kind, 0);
      WasmEngine engine = new ExecutorBeans().engine(settings);
      engines.add(engine);
      executors.add(
          new Executor(settings, new ReservingQuotaLedger(TestSetup.quotas(), 0), engine));
    }
  }

  @AfterAll
  void stop() {
    executors.forEach(Executor::close);
    engines.forEach(WasmEngine::close);
  }

  /** Each proposal with a module that uses it: text and wat2wasm flags, or the bytes themselves. */
  static Stream<Arguments> modules() {
    return Stream.of(
        wat(
            Proposal.SIGN_EXTENSION,
            "(func (export \"run\") (result i32) (i32.extend8_s (i32.const 0x12a)))"),
        wat(
            Proposal.NON_TRAPPING_FLOAT_TO_INT,
            "(func (export \"run\") (result i32) (i32.trunc_sat_f32_s (f32.const 42.5)))"),
        wat(
            Proposal.MULTI_VALUE,
            "(func $two (result i32 i32) (i32.const 40) (i32.const 2))"
                + " (func (export \"run\") (result i32) (call $two) (i32.add))"),
        wat(
            Proposal.BULK_MEMORY,
            "(memory 1) (func (export \"run\") (result i32)"
                + " (memory.fill (i32.const 0) (i32.const 42) (i32.const 10)) (i32.load8_u (i32.const 5)))"),
        wat(
            Proposal.REFERENCE_TYPES,
            "(table $t 2 externref) (func (export \"run\") (result i32)"
                + " (i32.add (table.size $t) (i32.add (ref.is_null (ref.null extern)) (i32.const 39))))"),
        wat(
            Proposal.SIMD,
            "(func (export \"run\") (result i32) (i32x4.extract_lane 1 (i32x4.splat (i32.const 42))))"),
        wat(
            Proposal.RELAXED_SIMD,
            "(func (export \"run\") (result i32) (i32x4.extract_lane 0"
                + " (i32x4.relaxed_trunc_f32x4_s (f32x4.splat (f32.const 42.0)))))",
            "--enable-relaxed-simd"),
        wat(
            Proposal.EXTENDED_CONST,
            "(global $g i32 (i32.add (i32.const 40) (i32.const 2)))"
                + " (func (export \"run\") (result i32) (global.get $g))",
            "--enable-extended-const"),
        wat(
            Proposal.MULTI_MEMORY,
            "(memory $a 1) (memory $b 1) (func (export \"run\") (result i32)"
                + " (i32.store $b (i32.const 0) (i32.const 42)) (i32.load $b (i32.const 0)))",
            "--enable-multi-memory"),
        wat(
            Proposal.TAIL_CALLS,
            "(func $f (result i32) (i32.const 42))"
                + " (func (export \"run\") (result i32) (return_call $f))",
            "--enable-tail-call"),
        wat(
            Proposal.LEGACY_EXCEPTIONS,
            "(tag $e (param i32)) (func (export \"run\") (result i32)"
                + " (try (result i32) (do (throw $e (i32.const 42))) (catch $e)))",
            "--enable-exceptions"),
        // (tag $e (param i32)) (func (export "run") (result i32)
        //   (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 42))) (i32.const
        // 0)))
        bytes(
            Proposal.EXCEPTIONS,
            "0061736d01000000 0109026001 7f00600001 7f 03020101 0d03010000"
                + " 070701037275 6e0000 0a1401 12 00027f 1f40 01000000 412a 0800 0b 4100 0b 0b"),
        wat(
            Proposal.THREADS,
            "(memory 1 1 shared) (func (export \"run\") (result i32)"
                + " (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 42))) (i32.atomic.load (i32.const 0)))",
            "--enable-threads"),
        wat(
            Proposal.MEMORY64,
            "(memory i64 1) (func (export \"run\") (result i32)"
                + " (i32.store (i64.const 0) (i32.const 42)) (i32.load (i64.const 0)))",
            "--enable-memory64"),
        // (type $t (func (result i32))) (func $f (type $t) (i32.const 42)) (elem declare func $f)
        // (func (export "run") (result i32) (call_ref $t (ref.func $f)))
        bytes(
            Proposal.FUNCTION_REFERENCES,
            "0061736d01000000 01050160 00017f 0303020000 070701037275 6e0001"
                + " 090501030001 00 0a0d0204 00412a0b 0600d200 14000b"),
        // (type $s (struct (field i32))) (func (export "run") (result i32)
        //   (struct.get $s 0 (struct.new $s (i32.const 42))))
        bytes(
            Proposal.GC,
            "0061736d01000000 0109025f 017f0060 00017f 03020101 070701037275 6e0000"
                + " 0a0d010b 00412a fb0000 fb0200 000b"));
  }

  private static Arguments wat(Proposal proposal, String fields, String... flags) {
    Supplier<byte[]> module = () -> Wat.module(fields, flags);
    return Arguments.of(proposal, module);
  }

  private static Arguments bytes(Proposal proposal, String hex) {
    byte[] module = HexFormat.of().parseHex(hex.replace(" ", ""));
    Supplier<byte[]> supplier = () -> module;
    return Arguments.of(proposal, supplier);
  }

  private static final FuncType RUN = new FuncType(List.of(), List.of(ValueType.I32));

  /** Runs {@code run} on the engine itself, none of our checks in between. */
  private static WasmEngine.Ending direct(WasmEngine engine, byte[] module) {
    var state = new GuestState(1024, () -> {});
    var interruption = new Interruption();
    var sandbox =
        new WasmEngine.Sandbox(
            List.of(),
            state,
            interruption,
            () -> {},
            new WasmEngine.Compile() {
              @Override
              public <T> T run(Supplier<T> compile) {
                return compile.get();
              }
            });
    String sha =
        HexFormat.of()
                .formatHex(
                    java.util.Arrays.copyOf(
                        Integer.toHexString(java.util.Arrays.hashCode(module)).getBytes(), 16))
            + module.length;
    return engine
        .run(
            new WasmEngine.Module(sha, module, 16, 100),
            new WasmEngine.Call("run", RUN, List.of(), false),
            sandbox)
        .ending();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void eachEngineRunsWhatItClaimsAndTheExecutorRefusesTheRestByName(
      Proposal proposal, Supplier<byte[]> built) {
    byte[] module = built.get();
    // our parser sees the proposal, or refuses the module naming it
    boolean readable;
    try {
      ModuleInfo info = new ModuleParser().parse(new ByteArrayInputStream(module), module.length);
      assertTrue(
          info.footprint().proposals().containsKey(proposal),
          info.footprint().proposals().toString());
      readable = true;
    } catch (WasmFormatException unread) {
      assertEquals(ErrorCode.WASM_UNSUPPORTED_PROPOSAL, unread.code(), unread.getMessage());
      assertTrue(unread.getMessage().contains(proposal.title() + " proposal"), unread.getMessage());
      readable = false;
    }
    for (int i = 0; i < engines.size(); i++) {
      WasmEngine engine = engines.get(i);
      WasmEngine.Ending ending = direct(engine, module);
      boolean runs =
          ending instanceof WasmEngine.Returned returned
              && returned.values().equals(List.of(new WasmValue.I32(42)));
      System.out.println(
          engine.kind()
              + " "
              + proposal.title()
              + ": "
              + (runs ? "runs" : "does not run: " + ending));
      assertEquals(
          runs,
          engine.proposals().contains(proposal),
          engine.kind() + " " + proposal + ": the claim in proposals() does not match " + ending);
      ExecutionOutcome outcome =
          executors
              .get(i)
              .execute(
                  new ExecutionRequest.FunctionCall(
                      module, "run", List.of(), new AdmittedGroup("anonymous", false)));
      if (readable
          && engine.proposals().contains(proposal)
          && !Preflight.NOT_BOUNDED.contains(proposal)) {
        var completed =
            assertInstanceOf(ExecutionOutcome.Completed.class, outcome, outcome::toString);
        assertEquals(
            new ExecutionOutcome.Returned(List.of(new WasmValue.I32(42))), completed.result());
      } else {
        var refused = assertInstanceOf(ExecutionOutcome.Invalid.class, outcome, outcome::toString);
        assertEquals(ErrorCode.WASM_UNSUPPORTED_PROPOSAL, refused.code(), refused.reason());
        assertTrue(refused.reason().contains(proposal.title() + " proposal"), refused.reason());
      }
    }
  }

  @org.junit.jupiter.api.Test
  void anUnknownOpcodeIsMalformedNotAProposal() {
    byte[] module = HexFormat.of().parseHex("0061736d01000000010401600000030201000a05010300ff0b");
    var e =
        assertThrows(
            WasmFormatException.class,
            () -> new ModuleParser().parse(new ByteArrayInputStream(module), module.length));
    assertEquals(ErrorCode.WASM_MALFORMED, e.code());
    assertTrue(e.getMessage().contains("unknown opcode 0xff"), e.getMessage());
  }
}
