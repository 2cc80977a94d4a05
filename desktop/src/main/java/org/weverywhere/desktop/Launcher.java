package org.weverywhere.desktop;

import javafx.application.Application;

/**
 * The jar's main class. JavaFX refuses to start when the main class itself extends Application and
 * JavaFX is on the class path rather than the module path ("JavaFX runtime components are
 * missing"), so {@code java -jar} starts here.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    Application.launch(ExplorerApp.class, args);
  }
}
