package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The explorer started where JavaFX cannot run: one line saying what to do and a non-zero exit,
 * never JavaFX's stack trace. Runs the real launcher in a child JVM with the real JavaFX.
 */
class ExplorerLauncherTest {
  @Test
  void withoutADisplayItSaysSoInOneLine() throws Exception {
    Result run = launch(List.of(), false);
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().contains("weverywhere-explorer: no display to open: "), run.err());
    assertFalse(run.err().contains("\tat "), "a stack trace: " + run.err());
  }

  @Test
  void withoutGtk3ItSaysWhatToInstall() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/xvfb-run")),
        "needs xvfb-run for a display (apt-get install xvfb xauth)");
    assumeTrue(!gtk3Installed(), "GTK 3 is installed here: the explorer would open a window");
    Result run = launch(List.of("/usr/bin/xvfb-run", "-a"), true);
    assertEquals(1, run.status(), run.err());
    assertTrue(
        run.err()
            .contains(
                "weverywhere-explorer: JavaFX cannot load GTK 3, which the explorer needs on Linux;"
                    + " install it: apt-get install libgtk-3-0 libgl1 libxtst6 libxxf86vm1"),
        run.err());
    assertFalse(run.err().contains("\tat "), "a stack trace: " + run.err());
  }

  @Test
  void anyOtherToolkitFailureStillNamesItsReason() {
    assertEquals(
        "JavaFX cannot start here: Unable to open framebuffer",
        ExplorerLauncher.withoutToolkit("Unable to open framebuffer"));
    assertEquals("JavaFX cannot start here: ", ExplorerLauncher.withoutToolkit(null));
  }

  private static boolean gtk3Installed() {
    for (String dir :
        List.of(
            "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib")) {
      if (Files.exists(Path.of(dir, "libgtk-3.so.0"))) {
        return true;
      }
    }
    return false;
  }

  private record Result(int status, String err) {}

  /**
   * The launcher on this test's class path, in the glass (desktop) toolkit rather than the tests'
   * Monocle.
   */
  private static Result launch(List<String> prefix, boolean display)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ExplorerLauncher.class.getName());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    if (!display) {
      builder.environment().remove("DISPLAY");
      builder.environment().remove("WAYLAND_DISPLAY");
    }
    Process process = builder.start();
    byte[] err = process.getErrorStream().readNBytes(64 * 1024);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the explorer did not exit within 120 s: " + new String(err, StandardCharsets.UTF_8));
    }
    return new Result(process.exitValue(), new String(err, StandardCharsets.UTF_8));
  }
}
