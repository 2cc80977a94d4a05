package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ValueType;

class FunctionSignatureTest {
  private static final FunctionSignature ADD =
      FunctionSignature.parse("add (i32, i32) -> i32").orElseThrow();

  @Test
  void readsTheSignaturesDescribeLists() {
    assertEquals(
        new FunctionSignature(
            "add",
            CallSignature.core(
                new FuncType(List.of(ValueType.I32, ValueType.I32), List.of(ValueType.I32)))),
        ADD);
    assertEquals(
        CallSignature.core(new FuncType(List.of(), List.of())),
        FunctionSignature.parse("_start () -> ()").orElseThrow().type());
    assertEquals(
        CallSignature.core(
            new FuncType(List.of(ValueType.I64), List.of(ValueType.I32, ValueType.F64))),
        FunctionSignature.parse("split (i64) -> (i32, f64)").orElseThrow().type());
    assertEquals(
        "split (i64) -> (i32, f64)",
        FunctionSignature.parse("split (i64) -> (i32, f64)").orElseThrow().toString());
  }

  @Test
  void textThatIsNoSignatureIsNotGuessedAt() {
    assertEquals(Optional.empty(), FunctionSignature.parse("add"));
    assertEquals(Optional.empty(), FunctionSignature.parse("add (i33) -> i32"));
    assertEquals(Optional.empty(), FunctionSignature.parse("(i32) -> i32"));
  }

  @Test
  void parsesEachTypeAsTheDaemonReadsItBack() {
    var all = FunctionSignature.parse("f (i32, i64, f32, f64) -> ()").orElseThrow();
    assertEquals(
        List.of(
            new WasmValue("i32", -5),
            new WasmValue("i64", Long.MIN_VALUE),
            new WasmValue("f32", Float.floatToRawIntBits(1.5f) & 0xffff_ffffL),
            WasmValue.f64(-0.25)),
        all.arguments(List.of("-5", "-9223372036854775808", "1.5", "-0.25")));
    // unsigned spellings and hex land on the same bits as the signed value
    assertEquals(
        List.of(new WasmValue("i32", -1), new WasmValue("i32", 255)),
        ADD.arguments(List.of("4294967295", "0xff")));
  }

  @Test
  void aWordThatIsNotAnI32NamesTheArgumentAndTheSignature() {
    var bad = assertThrows(CommandException.class, () -> ADD.arguments(List.of("2", "abc")));
    assertEquals("WE2010", bad.code().code());
    assertEquals("add (i32, i32) -> i32: argument 2 'abc' is not an i32", bad.getMessage());
  }

  @Test
  void outOfRangeAndJavaSuffixesAreRefused() {
    assertTrue(
        assertThrows(CommandException.class, () -> ADD.arguments(List.of("4294967296", "0")))
            .getMessage()
            .contains("argument 1 '4294967296' is not an i32 (out of range)"));
    assertThrows(CommandException.class, () -> ADD.arguments(List.of("-2147483649", "0")));
    var f = FunctionSignature.parse("f (f64) -> f64").orElseThrow();
    assertThrows(CommandException.class, () -> f.arguments(List.of("1d")));
    assertThrows(CommandException.class, () -> f.arguments(List.of("")));
    assertEquals(List.of(WasmValue.f64(Double.NEGATIVE_INFINITY)), f.arguments(List.of("-inf")));
  }

  @Test
  void theWrongNumberOfArgumentsSaysHowManyAreTaken() {
    var bad = assertThrows(CommandException.class, () -> ADD.arguments(List.of("1")));
    assertEquals("add (i32, i32) -> i32 takes 2 arguments, not 1", bad.getMessage());
  }

  @Property
  void everyI64RoundTripsThroughItsDecimalText(@ForAll long value) {
    var f = FunctionSignature.parse("f (i64) -> i64").orElseThrow();
    WasmValue parsed = f.arguments(List.of(Long.toString(value))).getFirst();
    assertEquals(value, parsed.bits());
    assertEquals(Long.toString(value), FunctionSignature.show(parsed));
  }

  @Property
  void everyF64RoundTripsThroughItsDecimalText(@ForAll double value) {
    var f = FunctionSignature.parse("f (f64) -> f64").orElseThrow();
    WasmValue parsed = f.arguments(List.of(Double.toString(value))).getFirst();
    assertEquals(Double.toString(value), FunctionSignature.show(parsed));
  }

  @Test
  void aDescribedLibraryIsTypedFromItsFunctionsWhenTheDaemonSendsThem() {
    // the text form says something else on purpose: the typed form wins
    var typed =
        new org.weverywhere.protocol.Message.Library(
            "text",
            "1",
            new byte[32],
            10,
            java.util.List.of("concat (i32, i32) -> i32"),
            java.util.List.of(
                new org.weverywhere.protocol.Message.Function(
                    "concat",
                    java.util.List.of("string", "string"),
                    java.util.List.of("string"),
                    java.util.List.of("left", "right"))));
    var signatures = RunCommand.signatures(typed);
    org.junit.jupiter.api.Assertions.assertEquals(1, signatures.size());
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("string", "string"), signatures.get(0).type().params());
    org.junit.jupiter.api.Assertions.assertEquals(
        "Hello", signatures.get(0).arguments(java.util.List.of("Hello", "x")).get(0).text());
    var old =
        new org.weverywhere.protocol.Message.Library(
            "math", "1", new byte[32], 10, java.util.List.of("add (i32, i32) -> i32"));
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("i32", "i32"), RunCommand.signatures(old).get(0).type().params());
  }
}
