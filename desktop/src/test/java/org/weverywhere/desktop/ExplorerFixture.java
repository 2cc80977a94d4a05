package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.net.MulticastGroups;

/**
 * The one set-up of the TestFX tests of the real explorer: its configuration on loopback only (TTL
 * 0, the groups' port of the test's daemons, settings and keys under the test's directory), shown
 * on the test's stage and hidden after it; bounded waiting on the FX thread; the screen shortcuts;
 * and screenshots for the docs ({@code -Dscreenshots.dir=$PWD/docs/screenshots}).
 */
public final class ExplorerFixture {
  private ExplorerFixture() {}

  /**
   * The explorer's configuration for a test: loopback, TTL 0, peers silent after 90 s fade after 10
   * s more.
   */
  public static Explorer.Options config(MulticastGroups groups, Path directory, Path controlSocket)
      throws IOException {
    return new Explorer.Options(
        groups,
        List.of(LoopbackDaemon.loopback()),
        0,
        directory,
        directory.resolve("keys"),
        Duration.ofSeconds(90),
        Duration.ofSeconds(10),
        controlSocket);
  }

  /** A new explorer shown on {@code stage}; {@code width} and {@code height} 0 keep its size. */
  public static Explorer show(
      Stage stage,
      MulticastGroups groups,
      Path directory,
      Path controlSocket,
      double width,
      double height)
      throws IOException {
    Explorer explorer = new Explorer(config(groups, directory, controlSocket));
    explorer.show(stage);
    if (width > 0) {
      stage.setWidth(width);
      stage.setHeight(height);
    }
    return explorer;
  }

  /** Hides the stage, which closes the explorer and saves its settings. */
  public static void hide(Stage stage) throws Exception {
    WaitForAsyncUtils.asyncFx(stage::hide).get(10, TimeUnit.SECONDS);
  }

  /**
   * Polls {@code condition} on the FX thread every 100 ms, at most {@code max}; on time out fails
   * with {@code state} (what the screen shows, for the reader of the failure).
   */
  public static void await(
      String what, Callable<Boolean> condition, Duration max, Supplier<String> state)
      throws Exception {
    long rounds = Math.max(1, max.toMillis() / 100);
    for (long i = 0; i < rounds; i++) {
      WaitForAsyncUtils.waitForFxEvents();
      if (WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS)) {
        return;
      }
      Thread.sleep(100); // bounded: at most max / 100 ms rounds
    }
    throw new AssertionError("timed out waiting until " + what + "; " + state.get());
  }

  /** Ctrl + {@code key}: Ctrl+1..7 picks a screen, Ctrl+D discovers. */
  public static void shortcut(FxRobot robot, KeyCode key) {
    robot.press(KeyCode.CONTROL, key).release(key, KeyCode.CONTROL);
  }

  /** Where screenshots go: {@code -Dscreenshots.dir}, else target/screenshots. */
  public static Path screenshots() {
    return Path.of(System.getProperty("weverywhere.screenshots.dir", "target/screenshots"));
  }

  /** Renders the stage's scene to {@code png}, which must come out with content. */
  public static void shoot(Stage stage, Path png) throws Exception {
    Files.createDirectories(png.getParent());
    WaitForAsyncUtils.waitForFxEvents();
    BufferedImage image =
        WaitForAsyncUtils.asyncFx(
                () -> SwingFXUtils.fromFXImage(stage.getScene().snapshot(null), null))
            .get(30, TimeUnit.SECONDS);
    ImageIO.write(image, "png", png.toFile());
    assertTrue(Files.size(png) > 5_000, png + " has content");
  }
}
