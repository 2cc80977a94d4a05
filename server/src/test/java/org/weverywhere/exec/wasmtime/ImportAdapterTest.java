package org.weverywhere.exec.wasmtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.weverywhere.wasm.ValueType.F32;
import static org.weverywhere.wasm.ValueType.F64;
import static org.weverywhere.wasm.ValueType.I32;
import static org.weverywhere.wasm.ValueType.I64;

import java.io.ByteArrayInputStream;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;

class ImportAdapterTest {
  @Test
  void exportsEachTypeInOrderAndImportsOnlyTheDispatcher() {
    List<FuncType> types =
        List.of(
            new FuncType(List.of(I32, I64, F32, F64), List.of(F64)),
            new FuncType(List.of(), List.of()),
            new FuncType(Collections.nCopies(9, I32), List.of(F32)));
    byte[] module = ImportAdapter.module(types);
    ModuleInfo info = new ModuleParser().parse(new ByteArrayInputStream(module), module.length);
    assertEquals(1, info.imports().size());
    assertEquals(
        "host.dispatch",
        info.imports().getFirst().module() + "." + info.imports().getFirst().name());
    for (int k = 0; k < types.size(); k++) {
      var export = info.exportedFunction("f" + k).orElseThrow();
      assertEquals(types.get(k), ((ExternType.Function) export.type()).type());
    }
  }

  @Test
  void refusesWhatItCannotCarry() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ImportAdapter.module(List.of(new FuncType(Collections.nCopies(10, I32), List.of()))));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImportAdapter.module(List.of(new FuncType(List.of(), List.of(I32, I32)))));
  }
}
