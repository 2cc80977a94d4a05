package org.weverywhere.desktop.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.wasm.ValueType;

class NumberTextTest {
  private static WasmValue valid(ValueType type, String text) {
    return assertInstanceOf(NumberText.Parsed.Valid.class, NumberText.parse(type, text), text)
        .value();
  }

  private static String invalid(ValueType type, String text) {
    return assertInstanceOf(NumberText.Parsed.Invalid.class, NumberText.parse(type, text), text)
        .reason();
  }

  @ParameterizedTest
  @CsvSource({
    "i32, 42, 42",
    "i32, -7, -7",
    "i32, ' 0x2a ', 42",
    "i32, -2147483648, -2147483648",
    // the unsigned reading of the same 32 bits, as the wasm text format allows
    "i32, 4294967295, -1",
    "i32, 2147483648, -2147483648",
    "i64, 9223372036854775807, 9223372036854775807",
    "i64, 18446744073709551615, -1",
    "i64, -0x10, -16"
  })
  void integersParseToTheirBits(String type, String text, long bits) {
    assertEquals(new WasmValue(type, bits), valid(ValueType.valueOf(type.toUpperCase()), text));
  }

  @Test
  void lettersAreNotAnI32() {
    assertEquals(
        "'abc' is not an i32: expected a whole number like 42, -7 or 0x2a",
        invalid(ValueType.I32, "abc"));
    assertTrue(invalid(ValueType.I32, "1.5").contains("not an i32"));
    assertTrue(invalid(ValueType.I64, "12abc").contains("not an i64"));
    assertEquals("i32 needed", invalid(ValueType.I32, "  "));
  }

  @Test
  void integersOutsideTheirWidthAreRefusedWithTheRange() {
    assertEquals(
        "4294967296 is out of range for i32 (-2147483648 to 4294967295)",
        invalid(ValueType.I32, "4294967296"));
    assertTrue(invalid(ValueType.I32, "-2147483649").contains("out of range for i32"));
    assertTrue(invalid(ValueType.I64, "18446744073709551616").contains("out of range for i64"));
    assertTrue(invalid(ValueType.I64, "-9223372036854775809").contains("out of range for i64"));
  }

  @Test
  void floatsParseAndKeepTheirBitPattern() {
    assertEquals(new WasmValue("f32", Float.floatToRawIntBits(1.5f)), valid(ValueType.F32, "1.5"));
    assertEquals(WasmValue.f64(-2e3), valid(ValueType.F64, "-2e3"));
    assertEquals(WasmValue.f64(0.25), valid(ValueType.F64, ".25"));
    assertTrue(Double.isNaN(Double.longBitsToDouble(valid(ValueType.F64, "nan").bits())));
    assertEquals(WasmValue.f64(Double.NEGATIVE_INFINITY), valid(ValueType.F64, "-inf"));
    assertEquals(
        Float.POSITIVE_INFINITY, Float.intBitsToFloat((int) valid(ValueType.F32, "inf").bits()));
  }

  @Test
  void floatsThatWouldBecomeInfinityOrCarryJavaSuffixesAreRefused() {
    assertTrue(invalid(ValueType.F32, "3.5e38").contains("out of range for f32"));
    assertTrue(invalid(ValueType.F64, "1e309").contains("out of range for f64"));
    assertTrue(invalid(ValueType.F32, "1.5f").contains("not an f32"));
    assertTrue(invalid(ValueType.F64, "0x1p3").contains("not an f64"));
    assertTrue(invalid(ValueType.F64, "abc").contains("not an f64"));
  }

  @Test
  void referenceAndVectorParametersCannotBeTyped() {
    assertEquals("v128 arguments cannot be entered here", invalid(ValueType.V128, "1"));
  }

  @Test
  void resultsAreFormattedByType() {
    assertEquals("-1 (unsigned 4294967295) : i32", NumberText.format(WasmValue.i32(-1)));
    assertEquals("42 : i32", NumberText.format(WasmValue.i32(42)));
    assertEquals("6.0 : f64", NumberText.format(WasmValue.f64(6.0)));
    assertEquals("120 : i64", NumberText.format(new WasmValue("i64", 120)));
  }
}
