package org.weverywhere.desktop.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ValueType;

class RemoteFunctionTest {
  @Test
  void aSignatureOfCoreTypesIsOfferedForATypedCall() {
    var add = RemoteFunction.of("add (i32, i32) -> i32");
    assertEquals("add", add.name());
    assertEquals(
        Optional.of(new FuncType(List.of(ValueType.I32, ValueType.I32), List.of(ValueType.I32))),
        add.type());
    assertEquals("add (i32, i32) -> i32", add.toString());
  }

  @Test
  void textWithNoCoreSignatureIsShownWholeAndNotOffered() {
    for (String text :
        List.of(
            "concat (string, string) -> string", "plain", "", "f ((i32)) -> i32", "(i32) -> i32")) {
      var shown = RemoteFunction.of(text);
      assertEquals(text, shown.name());
      assertEquals(Optional.empty(), shown.type());
    }
  }
}
