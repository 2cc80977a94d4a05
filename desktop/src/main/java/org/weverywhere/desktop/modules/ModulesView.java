package org.weverywhere.desktop.modules;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The Local modules screen: open or drop .wasi/.wasm files and read what the parser found. */
public final class ModulesView extends BorderPane {
  private final ModulesModel model;
  private final Supplier<Path> lastDirectory;
  private final Consumer<Path> rememberDirectory;

  /**
   * @param lastDirectory where the file chooser starts (remembered between runs), may return null
   * @param rememberDirectory told the directory of each file chosen
   */
  public ModulesView(
      ModulesModel model, Supplier<Path> lastDirectory, Consumer<Path> rememberDirectory) {
    this.model = model;
    this.lastDirectory = lastDirectory;
    this.rememberDirectory = rememberDirectory;
    setId("modules");

    ListView<LocalModule> list = new ListView<>(model.modules());
    list.setId("moduleList");
    list.setPlaceholder(new Label("Open a .wasi or .wasm file (Ctrl+O), or drop one here."));
    list.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, old, now) -> {
              if (now != null) {
                model.select(now);
              }
            });
    model.selectedProperty().addListener((o, old, now) -> list.getSelectionModel().select(now));

    TreeView<String> details = new TreeView<>();
    details.setId("moduleOutline");
    details.setShowRoot(true);
    model
        .outlineProperty()
        .addListener((o, old, now) -> details.setRoot(now == null ? null : item(now, true)));

    SplitPane split = new SplitPane(list, details);
    split.setDividerPositions(0.25);
    setCenter(split);

    Button open = new Button("_Open module…");
    open.setId("openModuleButton");
    open.setOnAction(e -> chooseFiles());
    ProgressIndicator busy = new ProgressIndicator();
    busy.setPrefSize(18, 18);
    busy.visibleProperty().bind(model.busyProperty());
    Label error = new Label();
    error.setId("moduleError");
    error.getStyleClass().add("danger");
    error.textProperty().bind(model.errorProperty());
    HBox bar = new HBox(8, open, busy, error);
    bar.setPadding(new Insets(8));
    setTop(bar);

    setOnDragOver(
        e -> {
          if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
          }
          e.consume();
        });
    setOnDragDropped(
        e -> {
          boolean ok = e.getDragboard().hasFiles();
          if (ok) {
            model.open(e.getDragboard().getFiles().stream().map(File::toPath).toList());
          }
          e.setDropCompleted(ok);
          e.consume();
        });
  }

  /** Shows the file chooser (also bound to Ctrl+O by the window). */
  public void chooseFiles() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Open WebAssembly modules");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("WebAssembly modules", "*.wasi", "*.wasm"),
            new FileChooser.ExtensionFilter("All files", "*"));
    Path start = lastDirectory.get();
    if (start != null && start.toFile().isDirectory()) {
      chooser.setInitialDirectory(start.toFile());
    }
    Window owner = getScene() == null ? null : getScene().getWindow();
    List<File> files = chooser.showOpenMultipleDialog(owner);
    if (files != null && !files.isEmpty()) {
      rememberDirectory.accept(files.getFirst().toPath().toAbsolutePath().getParent());
      model.open(files.stream().map(File::toPath).toList());
    }
  }

  private static TreeItem<String> item(Outline outline, boolean expanded) {
    TreeItem<String> item = new TreeItem<>(outline.text());
    item.setExpanded(expanded);
    for (Outline child : outline.children()) {
      // the long lists (imports, custom sections) start folded so exports stay in view
      item.getChildren()
          .add(
              item(
                  child,
                  !child.text().startsWith("Imports") && !child.text().startsWith("Custom")));
    }
    return item;
  }
}
