package org.weverywhere.desktop.modules;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;
import org.weverywhere.wasm.ModuleSignatures;

/**
 * The Local modules screen's state: modules opened from files (menu or drag and drop), the one
 * selected, and its outline. Reading and parsing run on {@code background}; results land on {@code
 * ui}.
 */
public final class ModulesModel {
  /**
   * The same ceiling the bulk channel has for a module (64 MiB); larger files could never be sent.
   */
  public static final long MAX_MODULE_BYTES = 64L * 1024 * 1024;

  private final EventBus bus;
  private final Executor background;
  private final Executor ui;
  private final ObservableList<LocalModule> modules = FXCollections.observableArrayList();
  private final ObservableList<LocalModule> modulesView =
      FXCollections.unmodifiableObservableList(modules);
  private final ReadOnlyObjectWrapper<LocalModule> selected =
      new ReadOnlyObjectWrapper<>(this, "selected");
  private final ReadOnlyObjectWrapper<Outline> outline =
      new ReadOnlyObjectWrapper<>(this, "outline");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");

  public ModulesModel(EventBus bus, Executor background, Executor ui) {
    this.bus = Objects.requireNonNull(bus);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    selected.addListener((o, old, now) -> outline.set(now == null ? null : Outline.of(now)));
  }

  public ObservableList<LocalModule> modules() {
    return modulesView;
  }

  public ReadOnlyObjectProperty<LocalModule> selectedProperty() {
    return selected.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Outline> outlineProperty() {
    return outline.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** The last failure as one line ({@code file: cause [WEnnnn]}), empty after a success. */
  public ReadOnlyStringProperty errorProperty() {
    return error.getReadOnlyProperty();
  }

  /** Opens each file in turn; one that fails shows its error and the others still open. */
  public void open(List<Path> files) {
    busy.set(true);
    background.execute(
        () -> {
          for (Path file : files) {
            try {
              LocalModule module = read(file);
              ui.execute(() -> added(module));
            } catch (WeverywhereException failed) {
              String line = failed.getMessage() + " [" + failed.code().code() + "]";
              ui.execute(() -> error.set(line));
            }
          }
          ui.execute(() -> busy.set(false));
        });
  }

  public void select(LocalModule module) {
    selected.set(module);
  }

  /** Reads and inspects one file; package-visible so tests can check the errors without threads. */
  static LocalModule read(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_MODULE_BYTES) {
        throw new WeverywhereException(
            ErrorCode.IO_UNREADABLE,
            file
                + ": "
                + size
                + " bytes is more than the "
                + MAX_MODULE_BYTES
                + " a module may have");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, file + ": cannot read: " + failed.getMessage(), failed);
    }
    ModuleInfo info;
    try {
      info = new ModuleParser().parse(new ByteArrayInputStream(bytes), bytes.length);
    } catch (WeverywhereException malformed) {
      throw new WeverywhereException(
          malformed.code(), file + ": " + malformed.getMessage(), malformed);
    }
    return new LocalModule(file, bytes, info, ModuleSignatures.verify(bytes));
  }

  private void added(LocalModule module) {
    modules.removeIf(m -> m.file().equals(module.file())); // opening again re-reads a rebuilt file
    modules.add(module);
    selected.set(module);
    error.set("");
    bus.publish(new ExplorerEvent.ModuleOpened(module.file(), module.bytes(), module.info()));
  }
}
