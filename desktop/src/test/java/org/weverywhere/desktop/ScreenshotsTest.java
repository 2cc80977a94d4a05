package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.weverywhere.desktop.browse.Offer;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.desktop.submit.Program;
import org.weverywhere.desktop.submit.SendOutcome;

/**
 * Renders each screen of the real explorer, against the real daemon in this JVM ({@link
 * InProcessDaemon}, loopback only) with math.wasi open, to PNG for docs/EXPLORER.md: {@code
 * -Dscreenshots.dir=$PWD/docs/screenshots} writes them into the docs.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
  @TempDir Path config;
  private static InProcessDaemon daemon;
  private Explorer explorer;
  private Stage stage;

  /** Started before the stage is set up, whose own time limit a loaded machine may exceed. */
  @BeforeAll
  static void startDaemon() {
    daemon =
        new InProcessDaemon(
            "lab-1",
            List.of("math.wasi", "fib.wasi", "hello.wasi", "sysinfo.wasi"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.network.period-bytes = 24KiB",
            "events.refusals.interval = 1s");
  }

  @AfterAll
  static void stopDaemon() {
    daemon.close();
  }

  @Start
  void start(Stage stage) throws IOException {
    this.stage = stage;
    explorer =
        ExplorerFixture.show(stage, daemon.groups(), config, daemon.controlSocket(), 1100, 640);
  }

  @AfterEach
  void close() throws Exception {
    ExplorerFixture.hide(stage);
  }

  private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
    for (int i = 0; i < 150 && !done.getAsBoolean(); i++) {
      Thread.sleep(100); // bounded
    }
    WaitForAsyncUtils.waitForFxEvents();
  }

  private static void key(FxRobot robot, KeyCode code) {
    ExplorerFixture.shortcut(robot, code);
  }

  @Test
  void everyScreenLightAndDark(FxRobot robot) throws Exception {
    Path out = ExplorerFixture.screenshots();
    Files.createDirectories(out);
    robot.clickOn("#discoverButton");
    waitFor(
        () ->
            explorer.submit().programs().size() == 4
                && !explorer.peers().discoveringProperty().get());
    assertEquals(1, explorer.peers().peers().size(), "lab-1 answered");
    shoot(out.resolve("peers.png"));

    key(robot, KeyCode.DIGIT2);
    TreeView<Offer> tree = robot.lookup("#offerTree").query();
    robot.interact(
        () -> {
          var lab = tree.getRoot().getChildren().getFirst();
          lab.getChildren()
              .forEach(
                  library -> library.setExpanded(library.getValue().label().startsWith("math")));
          var math =
              lab.getChildren().stream()
                  .filter(l -> l.getValue().label().startsWith("math"))
                  .findFirst()
                  .orElseThrow();
          tree.getSelectionModel().select(math.getChildren().get(1));
        });
    shoot(out.resolve("browse.png"));

    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
    waitFor(() -> explorer.submit().programProperty().get() instanceof Program.Module);
    key(robot, KeyCode.DIGIT3);
    shoot(out.resolve("modules.png"));

    key(robot, KeyCode.DIGIT4);
    robot.interact(
        () ->
            explorer
                .submit()
                .chooseProgram(
                    explorer.submit().programs().stream()
                        .filter(p -> p.toString().equals("math 1.0.0 on lab-1"))
                        .findFirst()
                        .orElseThrow()));
    robot.clickOn("#arg0").write("40");
    robot.clickOn("#arg1").write("2");
    robot.clickOn("#sendButton");
    waitFor(() -> explorer.submit().outcomeProperty().get() != null);
    assertTrue(
        explorer.submit().outcomeTextProperty().get().startsWith("results: 42 : i32"),
        explorer.submit().outcomeTextProperty().get());
    shoot(out.resolve("submit.png"));

    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("hello"))));
    waitFor(
        () ->
            explorer.submit().programProperty().get() != null
                && explorer.submit().programProperty().get().toString().equals("hello.wasi"));
    robot.clickOn("Run as a command");
    robot.clickOn("#sendButton");
    waitFor(() -> explorer.submit().outcomeProperty().get() instanceof SendOutcome.Refused);
    assertTrue(explorer.submit().outcomeTextProperty().get().startsWith("QUOTA EXCEEDED"));
    shoot(out.resolve("submit-quota.png"));

    key(robot, KeyCode.DIGIT5);
    robot.doubleClickOn("#newKeyName").eraseText(20).write("alice");
    robot.clickOn("#createKeyButton");
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(
        config.resolve("keys/alice.key.pem").toString(),
        robot.lookup("#identityFile").queryAs(javafx.scene.control.Label.class).getText());
    assertTrue(Files.isRegularFile(config.resolve("keys/alice.pub-key.pem")));
    shoot(out.resolve("identity.png"));

    key(robot, KeyCode.DIGIT6);
    robot.clickOn("#followButton");
    waitFor(
        () ->
            explorer.events().shown().stream().anyMatch(e -> e.kind().equals("requests.refused")));
    robot.interact(() -> explorer.events().groupFilterProperty().set("anonymous"));
    shoot(out.resolve("events.png"));
    robot.clickOn("#stopButton");

    robot.interact(() -> explorer.useDarkTheme(true));
    key(robot, KeyCode.DIGIT1);
    shoot(out.resolve("peers-dark.png"));
    key(robot, KeyCode.DIGIT2);
    shoot(out.resolve("browse-dark.png"));
    key(robot, KeyCode.DIGIT4);
    robot.clickOn("Call a function");
    robot.interact(
        () ->
            explorer
                .submit()
                .chooseProgram(
                    explorer.submit().programs().stream()
                        .filter(p -> p.toString().equals("math 1.0.0 on lab-1"))
                        .findFirst()
                        .orElseThrow()));
    robot.interact(() -> explorer.submit().chooseFunction("hypot_f64"));
    robot.clickOn("#arg0").write("3");
    robot.clickOn("#arg1").write("4");
    robot.clickOn("#sendButton");
    waitFor(() -> explorer.submit().outcomeTextProperty().get().startsWith("results: 5"));
    assertTrue(
        explorer.submit().outcomeTextProperty().get().startsWith("results: 5.0 : f64"),
        explorer.submit().outcomeTextProperty().get());
    shoot(out.resolve("submit-dark.png"));
    robot.interact(() -> explorer.useDarkTheme(false));
  }

  private void shoot(Path png) throws Exception {
    ExplorerFixture.shoot(stage, png);
  }
}
