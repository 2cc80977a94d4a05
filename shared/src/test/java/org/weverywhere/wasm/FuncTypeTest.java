package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FuncTypeTest {
  @Test
  void readsWhatItWrites() {
    for (FuncType type :
        List.of(
            new FuncType(List.of(), List.of()),
            new FuncType(List.of(ValueType.I32, ValueType.I32), List.of(ValueType.I32)),
            new FuncType(List.of(ValueType.I64), List.of(ValueType.I32, ValueType.F64)),
            new FuncType(List.of(ValueType.F32, ValueType.F64, ValueType.I64), List.of()))) {
      assertEquals(Optional.of(type), FuncType.parse(type.toString()), type.toString());
    }
  }

  @Test
  void refusesWhatIsNotASignature() {
    for (String bad :
        List.of(
            "",
            "add",
            "(i33) -> i32",
            "(i32,) -> i32",
            "i32 -> i32",
            "(i32) -> ",
            "(i32) => i32")) {
      assertEquals(Optional.empty(), FuncType.parse(bad), bad);
    }
  }
}
