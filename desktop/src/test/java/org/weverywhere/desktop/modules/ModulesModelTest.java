package org.weverywhere.desktop.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.desktop.Examples;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;

class ModulesModelTest {
  private final EventBus bus = new EventBus();
  private final List<ExplorerEvent.ModuleOpened> opened = new ArrayList<>();
  private final ModulesModel model = new ModulesModel(bus, Runnable::run, Runnable::run);

  ModulesModelTest() {
    bus.subscribe(ExplorerEvent.ModuleOpened.class, opened::add);
  }

  @Test
  void openingMathListsItsTypedFunctionsAndTellsTheOtherScreens() {
    Path math = Examples.wasi("math");
    model.open(List.of(math));

    LocalModule module = model.selectedProperty().get();
    assertEquals(math, module.file());
    assertEquals("reactor", module.info().kind().text());
    List<String> functions = module.functions().stream().map(Object::toString).toList();
    assertTrue(functions.contains("add (i32, i32) -> i32"), functions.toString());
    assertTrue(functions.contains("add_i64 (i64, i64) -> i64"), functions.toString());
    assertTrue(functions.contains("factorial (i32) -> i64"), functions.toString());
    assertTrue(functions.contains("mul_f64 (f64, f64) -> f64"), functions.toString());

    Outline outline = model.outlineProperty().get();
    assertEquals("math.wasi", outline.text());
    assertEquals("kind: reactor", outline.child("Summary").child("kind").text());
    assertEquals("WASI: none", outline.child("Summary").child("WASI").text());
    assertTrue(
        outline.child("Exports").child("add:").text().startsWith("add: func (i32, i32) -> i32"),
        outline.child("Exports").children().toString());
    assertTrue(outline.child("Custom sections").children().size() >= 1);
    assertEquals("Signatures: unsigned", outline.child("Signatures").text());
    assertEquals("", model.errorProperty().get());
    assertFalse(model.busyProperty().get());
    assertEquals(1, opened.size());
    assertEquals(module.info(), opened.getFirst().info());
  }

  @Test
  void openingTheSameFileAgainReplacesItsEntry() {
    Path math = Examples.wasi("math");
    model.open(List.of(math, math));
    assertEquals(1, model.modules().size());
  }

  @Test
  void aFileThatIsNotWasmShowsOneLineNamingTheFileAndTheCodeAndTheOthersStillOpen(@TempDir Path dir)
      throws IOException {
    Path junk = Files.writeString(dir.resolve("notes.wasm"), "hello, not wasm");
    model.open(List.of(junk, Examples.wasi("math")));

    assertEquals(1, model.modules().size());
    assertEquals("math.wasi", model.modules().getFirst().toString());
    // the error stays until the next success; here math opened after the junk, so it was cleared
    assertEquals("", model.errorProperty().get());

    model.open(List.of(junk));
    String error = model.errorProperty().get();
    assertTrue(error.startsWith(junk + ": "), error);
    assertTrue(error.matches(".* \\[WE2\\d{3}]"), error);
  }

  @Test
  void aMissingFileIsAnUnreadableError(@TempDir Path dir) {
    model.open(List.of(dir.resolve("gone.wasi")));
    String error = model.errorProperty().get();
    assertTrue(error.startsWith(dir.resolve("gone.wasi") + ": cannot read"), error);
    assertTrue(error.endsWith("[WE1001]"), error);
  }
}
