package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.net.MulticastGroups;

/**
 * Renders each screen of the real explorer, fed by two loopback announcers and math.wasi, to PNG
 * for docs/EXPLORER.md: {@code -Dscreenshots.dir=$PWD/docs/screenshots} writes them into the docs.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
  @TempDir Path config;
  private MulticastGroups groups;
  private Explorer explorer;
  private Stage stage;

  @Start
  void start(Stage stage) throws IOException {
    this.stage = stage;
    groups = LoopbackDaemon.freeGroups();
    explorer = new Explorer(new Explorer.Config(groups, List.of(LoopbackDaemon.loopback()), 0, config,
        config.resolve("keys"), Duration.ofSeconds(90), Duration.ofSeconds(10), config.resolve("control.sock")));
    explorer.show(stage);
    stage.setWidth(1100);
    stage.setHeight(640);
  }

  @AfterEach
  void close() throws Exception {
    WaitForAsyncUtils.asyncFx(stage::hide).get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyScreenLightAndDark(FxRobot robot) throws Exception {
    Path out = Path.of(System.getProperty("weverywhere.screenshots.dir", "target/screenshots"));
    Files.createDirectories(out);
    try (LoopbackDaemon lab1 = new LoopbackDaemon("lab-1", List.of("math", "fib", "hello"), groups);
        LoopbackDaemon lab2 = new LoopbackDaemon("build-server", List.of("echo"), groups)) {
      robot.clickOn("#discoverButton");
      for (int i = 0; i < 100 && explorer.peers().peers().size() < 2; i++) {
        Thread.sleep(100); // bounded wait for both answers
      }
      assertTrue(explorer.peers().peers().size() == 2, "both announcers answered");
      for (int i = 0; i < 100 && explorer.peers().discoveringProperty().get(); i++) {
        Thread.sleep(100); // the round ends after its 2 s wait
      }
      WaitForAsyncUtils.waitForFxEvents();
      shoot(out.resolve("peers.png"));

      robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
      for (int i = 0; i < 100 && explorer.submit().formProperty().get() == null; i++) {
        Thread.sleep(100);
      }
      robot.press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
      shoot(out.resolve("modules.png"));

      robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
      robot.interact(() -> explorer.submit().chooseFunction("add"));
      robot.clickOn("#arg0").write("abc");
      robot.clickOn("#arg1").write("2");
      shoot(out.resolve("submit.png"));

      robot.press(KeyCode.CONTROL, KeyCode.DIGIT5).release(KeyCode.DIGIT5, KeyCode.CONTROL);
      robot.doubleClickOn("#newKeyName").eraseText(20).write("alice");
      robot.clickOn("#createKeyButton");
      WaitForAsyncUtils.waitForFxEvents();
      assertEquals(config.resolve("keys/alice.key.pem").toString(),
          robot.lookup("#identityFile").queryAs(javafx.scene.control.Label.class).getText());
      assertTrue(Files.isRegularFile(config.resolve("keys/alice.pub-key.pem")));
      shoot(out.resolve("identity.png"));

      robot.interact(() -> explorer.useDarkTheme(true));
      robot.press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
      shoot(out.resolve("peers-dark.png"));
      robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
      shoot(out.resolve("submit-dark.png"));
      robot.interact(() -> explorer.useDarkTheme(false));
    }
  }

  private void shoot(Path png) throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    BufferedImage image = WaitForAsyncUtils.asyncFx(() -> {
      WritableImage shot = stage.getScene().snapshot(null);
      return SwingFXUtils.fromFXImage(shot, null);
    }).get(30, TimeUnit.SECONDS);
    ImageIO.write(image, "png", png.toFile());
    assertTrue(Files.size(png) > 5_000, png + " has content");
  }
}
