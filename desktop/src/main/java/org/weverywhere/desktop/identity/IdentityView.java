package org.weverywhere.desktop.identity;

import java.io.File;
import java.nio.file.Files;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/** The Identity screen: which key signs, choose a key file, or create one. */
public final class IdentityView extends VBox {
  public IdentityView(IdentityModel model, String suggestedName) {
    super(12);
    setId("identity");
    setPadding(new Insets(16));

    Label file = new Label();
    file.setId("identityFile");
    file.textProperty().bind(model.identityProperty().map(IdentityModel.Identity::describe));
    Label fingerprint = new Label();
    fingerprint.setId("identityFingerprint");
    fingerprint.textProperty().bind(model.identityProperty().map(i -> i.fingerprint().toString()));
    GridPane current = new GridPane();
    current.setHgap(8);
    current.setVgap(6);
    current.addRow(0, new Label("Signing key"), file);
    current.addRow(1, new Label("Fingerprint"), fingerprint);

    Button choose = new Button("_Choose key file…");
    choose.setId("chooseKeyButton");
    choose.setOnAction(
        e -> {
          FileChooser chooser = new FileChooser();
          chooser.setTitle("Choose a private key");
          chooser
              .getExtensionFilters()
              .addAll(
                  new FileChooser.ExtensionFilter("Private keys", "*.key.pem"),
                  new FileChooser.ExtensionFilter("All files", "*"));
          if (Files.isDirectory(model.keyDirectory())) {
            chooser.setInitialDirectory(model.keyDirectory().toFile());
          }
          File chosen = chooser.showOpenDialog(getScene() == null ? null : getScene().getWindow());
          if (chosen != null) {
            model.choose(chosen.toPath());
          }
        });

    TextField name = new TextField(suggestedName);
    name.setId("newKeyName");
    name.setPromptText("key name");
    Button create = new Button("C_reate key");
    create.setId("createKeyButton");
    create.setOnAction(e -> model.create(name.getText().strip()));
    Label where =
        new Label(
            "New keys go to " + model.keyDirectory() + " (as weverywhere keygen writes them)");

    Label error = new Label();
    error.setId("identityError");
    error.getStyleClass().add("danger");
    error.textProperty().bind(model.errorProperty());

    getChildren().addAll(current, choose, new HBox(8, name, create), where, error);
  }
}
