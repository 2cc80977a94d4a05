package org.weverywhere.launch;

import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's Main-Class, compiled for Java 8 so that an old default {@code java} can still read it.
 * On Java 21+ it hands over at once to the CLI, or to the class its jar's manifest names as {@code
 * WEverywhere-Main} (the explorer's jar names its own); on an older JVM it re-runs the same {@code
 * java -jar} on the newest JDK 21+ it finds (JAVA_HOME, then /usr/lib/jvm), or says exactly what to
 * install.
 */
public final class Launcher {
  private static final int REQUIRED = 21;
  private static final String CLI = "org.weverywhere.cli.Main";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    File jar = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (feature(System.getProperty("java.specification.version")) >= REQUIRED) {
      Method main = Class.forName(mainClass(jar)).getMethod("main", String[].class);
      main.invoke(null, (Object) args);
      return;
    }
    File java = findJava();
    if (java == null) {
      System.err.println(
          "weverywhere: needs Java "
              + REQUIRED
              + " or newer, but this is Java "
              + System.getProperty("java.version")
              + " ("
              + System.getProperty("java.home")
              + ");"
              + " install a JDK 21+ (e.g. apt-get install openjdk-21-jre-headless) or set JAVA_HOME to one");
      System.exit(1);
    }
    List<String> command = new ArrayList<String>();
    command.add(java.getPath());
    command.add(
        "-jar"); // again through this class, so the manifest's attributes apply on the new JVM too
    command.add(jar.getPath());
    for (String arg : args) {
      command.add(arg);
    }
    Process child = new ProcessBuilder(command).inheritIO().start();
    System.exit(child.waitFor());
  }

  /**
   * The manifest's {@code WEverywhere-Main}, else the CLI (also when running from a classes
   * directory).
   */
  private static String mainClass(File jar) {
    if (!jar.isFile()) {
      return CLI;
    }
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
      java.util.jar.Manifest manifest = file.getManifest();
      String named =
          manifest == null ? null : manifest.getMainAttributes().getValue("WEverywhere-Main");
      return named == null ? CLI : named;
    } catch (java.io.IOException unreadable) {
      return CLI; // the jar we run from cannot be read back: the CLI is what it most likely is
    }
  }

  private static File findJava() {
    File best = null;
    int bestVersion = REQUIRED - 1;
    List<File> homes = new ArrayList<File>();
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null) {
      homes.add(new File(javaHome));
    }
    File[] installed = new File("/usr/lib/jvm").listFiles();
    if (installed != null) {
      for (File home : installed) {
        homes.add(home);
      }
    }
    for (File home : homes) {
      File java = new File(home, "bin/java");
      int version = releaseVersion(new File(home, "release"));
      if (java.canExecute() && version > bestVersion) {
        best = java;
        bestVersion = version;
      }
    }
    return best;
  }

  /** Reads JAVA_VERSION="25.0.1" from a JDK's release file; 0 when there is none. */
  private static int releaseVersion(File release) {
    try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.FileReader(release))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("JAVA_VERSION=")) {
          return feature(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
        }
      }
    } catch (java.io.IOException unreadable) {
      return 0; // not a JDK we can use; look at the next one
    }
    return 0;
  }

  /** "1.8" gives 8, "17.0.2" gives 17, "25" gives 25. */
  private static int feature(String version) {
    String[] parts = version.split("[.\\-+]");
    try {
      int first = Integer.parseInt(parts[0]);
      return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }
}
