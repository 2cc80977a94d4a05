package org.weverywhere.desktop;

import java.net.SocketException;
import java.util.List;
import javafx.application.Application;
import org.weverywhere.desktop.shell.Explorer;

/**
 * The jar's main class. JavaFX refuses to start when the main class itself extends Application and
 * JavaFX is on the class path rather than the module path ("JavaFX runtime components are
 * missing"), so {@code java -jar} starts here.
 */
public final class Launcher {
  private Launcher() {}

  /** Checks the arguments first, so that a bad one is one line on stderr and exit status 2, with no window. */
  public static void main(String[] args) throws SocketException {
    try {
      Explorer.Config.of(List.of(args));
    } catch (IllegalArgumentException bad) {
      System.err.println("weverywhere-explorer: " + bad.getMessage());
      System.exit(2);
    }
    Application.launch(ExplorerApp.class, args);
  }
}
