package org.weverywhere.desktop.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ModuleMetadata;
import org.weverywhere.wasm.ValueType;

class ArgumentFormTest {
  @Test
  void aFieldPerParameterNamedFromTheMetadataAndValidOnlyWhenAllParse() {
    var doc =
        new ModuleMetadata.FunctionDoc(
            Optional.of("adds"),
            List.of(
                new ModuleMetadata.Value("a", Optional.empty()),
                new ModuleMetadata.Value("b", Optional.of("i64"))),
            List.of());
    ArgumentForm form =
        new ArgumentForm(
            "mix",
            new FuncType(List.of(ValueType.I32, ValueType.I64), List.of(ValueType.I32)),
            Optional.of(doc));

    assertEquals(List.of("a", "b"), form.fields().stream().map(ArgumentField::label).toList());
    assertEquals(
        List.of(ValueType.I32, ValueType.I64),
        form.fields().stream().map(ArgumentField::type).toList());
    assertFalse(form.validBinding().get(), "empty fields are not valid");

    form.fields().get(0).textProperty().set("abc");
    form.fields().get(1).textProperty().set("5");
    assertFalse(form.validBinding().get());
    assertTrue(form.fields().get(0).problem().contains("'abc' is not an i32"));
    assertThrows(IllegalStateException.class, form::values);

    form.fields().get(0).textProperty().set("-3");
    assertTrue(form.validBinding().get());
    assertEquals("", form.fields().get(0).problem());
    assertEquals(List.of(WasmValue.i32(-3), new WasmValue("i64", 5)), form.values());
  }

  @Test
  void parametersWithoutMetadataAreNamedByPosition() {
    ArgumentForm form =
        new ArgumentForm("f", new FuncType(List.of(ValueType.F64), List.of()), Optional.empty());
    assertEquals("#0", form.fields().getFirst().label());
  }

  @Test
  void aFunctionWithoutParametersIsValidAtOnce() {
    ArgumentForm form =
        new ArgumentForm("tick", new FuncType(List.of(), List.of()), Optional.empty());
    assertTrue(form.validBinding().get());
    assertEquals(List.of(), form.values());
  }
}
