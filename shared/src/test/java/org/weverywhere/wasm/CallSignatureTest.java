package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallSignatureTest {
  private static final ValueType I32 = ValueType.I32;
  private static final ValueType I64 = ValueType.I64;

  private static ModuleMetadata.Value typed(String name, String type) {
    return new ModuleMetadata.Value(name, Optional.of(type));
  }

  private static ModuleMetadata.Value named(String name) {
    return new ModuleMetadata.Value(name, Optional.empty());
  }

  private static ModuleMetadata.FunctionDoc doc(
      List<ModuleMetadata.Value> params, List<ModuleMetadata.Value> results) {
    return new ModuleMetadata.FunctionDoc(Optional.empty(), params, results);
  }

  @Test
  void byteStringsStandForTheCoreValuesThatCarryThem() {
    var concat =
        CallSignature.declared(
            new FuncType(List.of(I32, I32, I32, I32), List.of(I64)),
            doc(
                List.of(typed("a", "string"), typed("b", "string")),
                List.of(typed("ab", "string"))));
    assertEquals("(string, string) -> string", concat.toString());
    assertTrue(concat.hasByteStrings());
    var mixed =
        CallSignature.declared(
            new FuncType(List.of(I64, I32, I32), List.of(I32)),
            doc(List.of(named("key"), typed("data", "bytes")), List.of(named("status"))));
    assertEquals("(i64, bytes) -> i32", mixed.toString());
    var numbers =
        CallSignature.declared(
            new FuncType(List.of(I32, I32), List.of(I32)),
            doc(List.of(named("a"), named("b")), List.of(named("sum"))));
    assertEquals(CallSignature.core(new FuncType(List.of(I32, I32), List.of(I32))), numbers);
    assertEquals(Optional.of(new FuncType(List.of(I32, I32), List.of(I32))), numbers.asCore());
  }

  @Test
  void declaredTypesThatDoNotLowerToTheSignatureAreRefusedWithTheReason() {
    var wrongCore =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CallSignature.declared(
                    new FuncType(List.of(I64), List.of(I32)),
                    doc(List.of(typed("s", "string")), List.of())));
    assertEquals(
        "its signature is (i64) -> i32: parameter 's' is a string, which needs (i32, i32) there",
        wrongCore.getMessage());
    var leftOver =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CallSignature.declared(
                    new FuncType(List.of(I32, I32, I32), List.of()),
                    doc(List.of(typed("s", "bytes")), List.of())));
    assertEquals(
        "its signature is (i32, i32, i32) -> (): the declared parameters cover 2 of its 3 core values",
        leftOver.getMessage());
    var result =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CallSignature.declared(
                    new FuncType(List.of(), List.of(I32)),
                    doc(List.of(), List.of(typed("r", "string")))));
    assertEquals(
        "its signature is () -> i32: a string result is one i64 (ptr << 32 | len)",
        result.getMessage());
  }

  @Test
  void readsWhatItWrites() {
    for (String text :
        List.of(
            "(string, string) -> string", "(bytes) -> (i32, bytes)", "() -> ()", "(i64) -> f64")) {
      assertEquals(text, CallSignature.parse(text).orElseThrow().toString());
    }
    assertEquals(Optional.empty(), CallSignature.parse("(text) -> i32"));
    assertEquals(Optional.empty(), CallSignature.parse("string -> i32"));
    assertEquals(Optional.empty(), CallSignature.parse("(string) -> "));
  }
}
