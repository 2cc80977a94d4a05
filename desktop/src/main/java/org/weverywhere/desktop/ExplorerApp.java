package org.weverywhere.desktop;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.weverywhere.desktop.shell.Explorer;

/**
 * The JavaFX application: the explorer with its default configuration, changed by the command line
 * ({@code --interface NAME}, {@code --port N}); a bad argument is one line on stderr and no window.
 */
public final class ExplorerApp extends Application {
  @Override
  public void start(Stage stage) throws Exception {
    Explorer.Options config;
    try {
      config = Explorer.Options.of(getParameters().getRaw());
    } catch (IllegalArgumentException bad) {
      System.err.println("weverywhere-explorer: " + bad.getMessage());
      Platform.exit();
      return;
    }
    new Explorer(config).show(stage);
  }
}
