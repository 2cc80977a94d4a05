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
public final class ExplorerLauncher {
  /**
   * What JavaFX needs from a Linux workstation (Debian/Ubuntu names), also listed in the README.
   */
  static final String RUNTIME_PACKAGES = "libgtk-3-0 libgl1 libxtst6 libxxf86vm1";

  private ExplorerLauncher() {}

  /**
   * Checks the arguments first, so that a bad one is one line on stderr and exit status 2, with no
   * window.
   */
  public static void main(String[] args) throws SocketException {
    try {
      Explorer.Options.of(List.of(args));
    } catch (IllegalArgumentException bad) {
      System.err.println("weverywhere-explorer: " + bad.getMessage());
      System.exit(2);
    }
    try {
      Application.launch(ExplorerApp.class, args);
    } catch (UnsupportedOperationException noToolkit) {
      // the reporting boundary for a workstation JavaFX cannot run on: one line instead of its
      // trace
      System.err.println("weverywhere-explorer: " + withoutToolkit(noToolkit.getMessage()));
      System.exit(1);
    }
  }

  /** The one line to print when JavaFX's glass toolkit cannot start, saying what to do about it. */
  static String withoutToolkit(String reason) {
    String why = reason == null ? "" : reason;
    if (why.contains("GTK")) {
      return "JavaFX cannot load GTK 3, which the explorer needs on Linux; install it: apt-get install "
          + RUNTIME_PACKAGES
          + " ("
          + why
          + ")";
    }
    if (why.contains("DISPLAY")) {
      return "no display to open: run it in a desktop session, or with DISPLAY set (" + why + ")";
    }
    return "JavaFX cannot start here: " + why;
  }
}
