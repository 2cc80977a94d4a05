package org.weverywhere.desktop;

import javafx.application.Application;
import javafx.stage.Stage;
import org.weverywhere.desktop.shell.Explorer;

/** The JavaFX application: the explorer with its default configuration. */
public final class ExplorerApp extends Application {
  @Override
  public void start(Stage stage) throws Exception {
    new Explorer(Explorer.Config.defaults()).show(stage);
  }
}
