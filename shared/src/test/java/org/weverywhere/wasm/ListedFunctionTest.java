package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.weverywhere.ErrorCode;

/** The one reader of {@code name (params) -> results}: what peers and modules list. */
class ListedFunctionTest {
  @Test
  void readsWhatDescribeLists() {
    assertEquals(
        new ListedFunction("add", new CallSignature(List.of("i32", "i32"), List.of("i32"))),
        ListedFunction.parse("add (i32, i32) -> i32"));
    assertEquals(
        new CallSignature(List.of("i64"), List.of("i32", "f64")),
        ListedFunction.parse("split (i64) -> (i32, f64)").signature());
    assertEquals(
        new CallSignature(List.of(), List.of()),
        ListedFunction.parse("_start () -> ()").signature());
    var concat = ListedFunction.parse("concat (string, bytes) -> string");
    assertEquals(List.of("string", "bytes"), concat.signature().params());
    assertEquals(Optional.empty(), concat.core(), "byte strings have no core type to call with");
    assertEquals(
        Optional.of(new FuncType(List.of(ValueType.I32, ValueType.I32), List.of(ValueType.I32))),
        ListedFunction.parse("add (i32, i32) -> i32").core());
  }

  @Test
  void aNameMayHoldAnythingTheSignatureIsAfterTheLastArrow() {
    var odd = ListedFunction.parse("odd ) -> ( (name) (i32) -> i32");
    assertEquals("odd ) -> ( (name)", odd.name());
    assertEquals("odd ) -> ( (name) (i32) -> i32", odd.toString());
    assertEquals("twice (i32) ->", ListedFunction.parse("twice (i32) -> (i32) -> i32").name());
    assertEquals("grüße 🙂 ∑", ListedFunction.parse("grüße 🙂 ∑ (f32) -> f64").name());
  }

  @Test
  void theNameAloneIsFoundAlsoWhenTheTypesAreNotReadable() {
    assertEquals("add", ListedFunction.nameOf("add (i32, i32) -> i32"));
    assertEquals("later", ListedFunction.nameOf("later (v256, i32) -> i32"));
    assertEquals("plain", ListedFunction.nameOf("plain"));
    assertEquals("", ListedFunction.nameOf(""));
    assertEquals("(i32) -> i32", ListedFunction.nameOf("(i32) -> i32"));
  }

  @Test
  void textThatIsNoListedFunctionIsATypedError() {
    for (String bad :
        List.of(
            "",
            "add",
            "(i32) -> i32",
            " (i32) -> i32",
            "add (i33) -> i32",
            "add (i32,) -> i32",
            "add (i32) -> ",
            "add (i32) => i32",
            "nested ((i32)) -> i32",
            "nested (i32) -> ((i32))",
            "unicode (ｉ32) -> i32",
            "add (i32\u0000) -> i32")) {
      var refused = assertThrows(FunctionTextException.class, () -> ListedFunction.parse(bad), bad);
      assertEquals(ErrorCode.WASM_FUNCTION_TEXT, refused.code());
      assertEquals(Optional.empty(), ListedFunction.read(bad), bad);
    }
  }

  @Test
  void hugeTextIsRefusedWithAShortMessage() {
    String huge = "f (" + "(".repeat(1 << 20) + ") -> i32";
    var refused = assertThrows(FunctionTextException.class, () -> ListedFunction.parse(huge));
    assertTrue(refused.getMessage().length() < 200, refused.getMessage());
    String long_ = "f (" + "i32, ".repeat(100_000) + "i32) -> i32";
    assertEquals(100_001, ListedFunction.parse(long_).signature().params().size());
  }

  @Property
  void anyTextIsReadOrRefusedWithTheTypedError(@ForAll("signatureLike") String text) {
    readOrRefuse(text);
  }

  @Property
  void anyUnicodeTextIsReadOrRefusedWithTheTypedError(@ForAll @StringLength(max = 80) String text) {
    readOrRefuse(text);
  }

  @Property
  void everySignatureReadsBackFromItsText(
      @ForAll("names") String name,
      @ForAll("typeLists") List<String> params,
      @ForAll("typeLists") List<String> results) {
    var listed = new ListedFunction(name, new CallSignature(params, results));
    assertEquals(listed, ListedFunction.parse(listed.toString()));
    assertEquals(name, ListedFunction.nameOf(listed.toString()));
  }

  private static void readOrRefuse(String text) {
    ListedFunction listed;
    try {
      listed = ListedFunction.parse(text);
    } catch (FunctionTextException refused) {
      assertEquals(ErrorCode.WASM_FUNCTION_TEXT, refused.code());
      assertEquals(Optional.empty(), ListedFunction.read(text));
      return;
    }
    // what is read is what its text says again
    assertEquals(listed, ListedFunction.parse(listed.toString()));
    assertEquals(Optional.of(listed), ListedFunction.read(text));
  }

  @Provide
  Arbitrary<String> signatureLike() {
    return Arbitraries.of("f", " (", "(", ")", ") -> ", " -> ", ",", ", ", "i32", "f64", "string")
        .list()
        .ofMaxSize(12)
        .map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> names() {
    // anything but a name that itself ends like a signature's start
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(20).filter(n -> !n.contains(" ("));
  }

  @Provide
  Arbitrary<List<String>> typeLists() {
    return Arbitraries.of("i32", "i64", "f32", "f64", "v128", "funcref", "externref", "bytes")
        .list()
        .ofMaxSize(5);
  }
}
