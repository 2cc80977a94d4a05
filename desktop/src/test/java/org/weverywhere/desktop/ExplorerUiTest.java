package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.weverywhere.desktop.peers.PeerRow;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.net.MulticastGroups;

/**
 * The real explorer, headless on Monocle, with the real network client on loopback only
 * (IP_MULTICAST_IF=lo, TTL 0, a free port): what a user sees when daemons announce and answer.
 */
@ExtendWith(ApplicationExtension.class)
class ExplorerUiTest {
  @TempDir Path config;
  private MulticastGroups groups;
  private Explorer explorer;
  private Stage stage;

  @Start
  void start(Stage stage) throws IOException {
    this.stage = stage;
    groups = LoopbackDaemon.freeGroups();
    explorer = ExplorerFixture.show(stage, groups, config, config.resolve("control.sock"), 0, 0);
  }

  @AfterEach
  void close() throws Exception {
    ExplorerFixture.hide(stage);
  }

  /**
   * Polls {@code condition} on the FX thread every 100 ms for at most 10 s, doing {@code nudge}
   * each time.
   */
  private static void await(String what, Callable<Boolean> condition, IoAction nudge)
      throws Exception {
    for (int i = 0; i < 100; i++) {
      nudge.run();
      WaitForAsyncUtils.waitForFxEvents();
      if (WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS)) {
        return;
      }
      Thread.sleep(100); // bounded: at most 100 rounds, each also waiting for the FX queue
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  interface IoAction {
    void run() throws IOException;
  }

  @Test
  void aPeerAppearsWhenItsSignedAnnounceArrivesAndFadesAfterBye(FxRobot robot) throws Exception {
    TableView<PeerRow> table = robot.lookup("#peerTable").queryTableView();
    try (LoopbackDaemon daemon = new LoopbackDaemon("gamma", List.of("math", "fib"), groups)) {
      await(
          "gamma is listed",
          () -> !table.getItems().isEmpty(),
          daemon::announce); // a datagram may be lost: resend
      PeerRow gamma = table.getItems().getFirst();
      assertEquals("gamma", gamma.name());
      assertEquals(daemon.host.fingerprint(), gamma.node());
      assertEquals(List.of("math", "fib"), gamma.libraries());
      assertEquals(1, gamma.protocolVersion());
      assertEquals("127.0.0.1", gamma.addressText());
      assertTrue(gamma.roundTrip().isEmpty(), "nobody asked, so nothing was timed");

      await("gamma fades", () -> table.getItems().getFirst().isFading(), daemon::bye);
      assertEquals("gamma said bye", robot.lookup("#peersStatus").queryAs(Label.class).getText());
    }
  }

  @Test
  void discoverFromTheKeyboardListsTheAnsweringNodeWithItsRoundTrip(FxRobot robot)
      throws Exception {
    TableView<PeerRow> table = robot.lookup("#peerTable").queryTableView();
    try (LoopbackDaemon daemon = new LoopbackDaemon("delta", List.of("math"), groups)) {
      robot.press(KeyCode.CONTROL, KeyCode.D).release(KeyCode.D, KeyCode.CONTROL);
      await(
          "delta answered",
          () -> table.getItems().stream().anyMatch(p -> p.roundTrip().isPresent()),
          () -> {});
      assertEquals("delta", table.getItems().getFirst().name());
      Duration trip = table.getItems().getFirst().roundTrip().orElseThrow();
      assertTrue(trip.compareTo(Duration.ofSeconds(1)) < 0, "a loopback round trip took " + trip);
      await(
          "the round is over",
          () ->
              robot
                  .lookup("#peersStatus")
                  .queryAs(Label.class)
                  .getText()
                  .startsWith("1 node answered"),
          () -> {});
      assertTrue(daemon.discovers.get() >= 1);
      assertFalse(robot.lookup("#discoverButton").queryAs(Button.class).isDisabled());
    }
  }

  @Test
  void openingMathListsItsTypedFunctions(FxRobot robot) throws Exception {
    robot.clickOn("Modules");
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
    TreeView<String> outline = robot.lookup("#moduleOutline").query();
    await("math is inspected", () -> outline.getRoot() != null, () -> {});
    List<String> exports =
        outline.getRoot().getChildren().stream()
            .filter(c -> c.getValue().startsWith("Exports"))
            .findFirst()
            .orElseThrow()
            .getChildren()
            .stream()
            .map(TreeItem::getValue)
            .toList();
    assertTrue(
        exports.stream().anyMatch(e -> e.startsWith("add: func (i32, i32) -> i32")),
        exports.toString());
    assertTrue(
        exports.stream().anyMatch(e -> e.startsWith("mul_f64: func (f64, f64) -> f64")),
        exports.toString());
    assertTrue(
        exports.stream().anyMatch(e -> e.startsWith("factorial: func (i32) -> i64")),
        exports.toString());
  }

  @Test
  void theArgumentFormRejectsAbcForAnI32(FxRobot robot) throws Exception {
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
    await("math reaches Submit", () -> explorer.submit().formProperty().get() != null, () -> {});
    robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
    robot.interact(() -> explorer.submit().chooseFunction("add"));
    robot.clickOn("#arg0").write("abc");
    robot.clickOn("#arg1").write("2");
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals(
        "'abc' is not an i32: expected a whole number like 42, -7 or 0x2a",
        robot.lookup("#argProblem0").queryAs(Label.class).getText());
    assertEquals("", robot.lookup("#argProblem1").queryAs(Label.class).getText());
    assertTrue(robot.lookup("#sendButton").queryAs(Button.class).isDisabled());
  }

  @Test
  void sendGoesThroughTheRealClientOffTheFxThreadAndShowsWhyNothingAnswered(FxRobot robot)
      throws Exception {
    int closed = LoopbackDaemon.closedTcpPort();
    try (LoopbackDaemon daemon = new LoopbackDaemon("epsilon", List.of("math"), groups, closed)) {
      robot.interact(() -> explorer.peers().discover());
      await("epsilon is live", () -> !explorer.submit().peers().isEmpty(), () -> {});
      robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
      await("math reaches Submit", () -> explorer.submit().formProperty().get() != null, () -> {});
      robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
      robot.interact(() -> explorer.submit().chooseFunction("add"));
      robot.clickOn("#arg0").write("40");
      robot.clickOn("#arg1").write("2");
      robot.clickOn("#sendButton");
      await(
          "the refusal is shown",
          () ->
              !explorer.submit().busyProperty().get()
                  && explorer.submit().outcomeProperty().get() != null,
          () -> {});
      String shown =
          robot.lookup("#outcome").queryAs(javafx.scene.control.TextArea.class).getText();
      // nothing serves HTTP there: the signed execute went out and was refused by TCP
      assertTrue(shown.startsWith("failed [WE"), shown);
      assertTrue(shown.contains("127.0.0.1:" + closed), shown);
    }
  }

  @Test
  void theWindowLayoutAndScreenAreRememberedForTheNextRun(FxRobot robot) throws Exception {
    robot.press(KeyCode.CONTROL, KeyCode.DIGIT5).release(KeyCode.DIGIT5, KeyCode.CONTROL);
    robot.interact(() -> stage.setWidth(987));
    robot
        .press(KeyCode.CONTROL, KeyCode.Q)
        .release(KeyCode.Q, KeyCode.CONTROL); // Quit hides the window
    WaitForAsyncUtils.waitForFxEvents();
    assertFalse(stage.isShowing());
    var saved =
        org.weverywhere.desktop.shell.ExplorerSettings.load(config.resolve("explorer.properties"));
    assertEquals(987, saved.number("window.width", 0));
    assertEquals(4, saved.number("screen", 0));
    assertNotEquals(0, saved.number("window.height", 0));
    robot.interact(stage::show); // for @AfterEach
  }

  @Test
  void theOpenModulesAndTheLastChoiceComeBackInTheNextRun(FxRobot robot) throws Exception {
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
    await("math reaches Submit", () -> explorer.submit().formProperty().get() != null, () -> {});
    robot.interact(() -> explorer.submit().chooseFunction("gcd"));
    robot.press(KeyCode.CONTROL, KeyCode.Q).release(KeyCode.Q, KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();

    Explorer next =
        new Explorer(ExplorerFixture.config(groups, config, config.resolve("control.sock")));
    Stage nextStage =
        WaitForAsyncUtils.asyncFx(
                () -> {
                  Stage s = new Stage();
                  next.show(s);
                  return s;
                })
            .get(10, TimeUnit.SECONDS);
    try {
      await("math.wasi is open again", () -> next.submit().formProperty().get() != null, () -> {});
      assertEquals("math.wasi", next.submit().programProperty().get().toString());
      assertEquals("gcd", next.submit().formProperty().get().function());
      assertEquals(
          List.of(Examples.wasi("math").toAbsolutePath()),
          next.modules().modules().stream().map(m -> m.file()).toList());
    } finally {
      WaitForAsyncUtils.asyncFx(nextStage::hide).get(10, TimeUnit.SECONDS);
      robot.interact(stage::show); // for @AfterEach
    }
  }

  @Test
  void theSubmitFormIsReachableFromTheKeyboard(FxRobot robot) throws Exception {
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
    await("math reaches Submit", () -> explorer.submit().formProperty().get() != null, () -> {});
    robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
    robot.press(KeyCode.ALT, KeyCode.U).release(KeyCode.U, KeyCode.ALT); // F_unction
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals("functionChoice", stage.getScene().getFocusOwner().getId());
    robot.press(KeyCode.ALT, KeyCode.W).release(KeyCode.W, KeyCode.ALT); // _What
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals("programChoice", stage.getScene().getFocusOwner().getId());
  }

  @Test
  void aDaemonThatHoldsTheConnectionNeverFreezesTheWindow(FxRobot robot) throws Exception {
    try (java.net.ServerSocket silent =
            new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        LoopbackDaemon daemon =
            new LoopbackDaemon("zeta", List.of("math"), groups, silent.getLocalPort())) {
      // accepts each connection, says nothing for 2 s, then hangs up (the describe on sight, then
      // the execute), and is gone: the client's retries of the keyed execute (safe to repeat)
      // find nobody, so the send ends within the client's retry budget
      Thread holder =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    for (int i = 0; i < 2; i++) {
                      try (java.net.Socket held = silent.accept()) {
                        Thread.sleep(2000);
                      } catch (IOException | InterruptedException stopped) {
                        return;
                      }
                    }
                    try {
                      silent.close();
                    } catch (IOException closing) {
                      // the test's own try-with-resources closes it again
                    }
                  });
      robot.interact(() -> explorer.peers().discover());
      await("zeta is live", () -> !explorer.submit().peers().isEmpty(), () -> {});
      robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
      await("math reaches Submit", () -> explorer.submit().formProperty().get() != null, () -> {});
      robot.press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
      robot.interact(() -> explorer.submit().chooseFunction("is_prime"));
      robot.clickOn("#arg0").write("7");
      robot.clickOn("#sendButton");

      assertTrue(
          WaitForAsyncUtils.asyncFx(() -> explorer.submit().busyProperty().get())
              .get(1, TimeUnit.SECONDS),
          "sending: the spinner shows");
      long asked = System.nanoTime();
      robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
      String screen =
          WaitForAsyncUtils.asyncFx(
                  () ->
                      robot
                          .lookup("#screens")
                          .queryAs(javafx.scene.control.TabPane.class)
                          .getSelectionModel()
                          .getSelectedItem()
                          .getText())
              .get(1, TimeUnit.SECONDS);
      assertEquals("Browse", screen, "the window answers the keyboard while the daemon is silent");
      assertTrue(System.nanoTime() - asked < 1_500_000_000L, "and at once");
      assertTrue(explorer.submit().busyProperty().get(), "the send is still waiting");

      await("the hang-up is shown", () -> !explorer.submit().busyProperty().get(), () -> {});
      assertTrue(
          explorer.submit().outcomeTextProperty().get().startsWith("failed [WE"),
          explorer.submit().outcomeTextProperty().get());
      holder.join(5000);
    }
  }

  @Test
  void rememberedModulesThatAreGoneOrUnnamableAreSkipped(@TempDir Path other) throws Exception {
    var settings =
        org.weverywhere.desktop.shell.ExplorerSettings.load(other.resolve("explorer.properties"));
    settings.put(
        "modules.files",
        String.join(
            java.io.File.pathSeparator,
            "bad\u0000name.wasi",
            other.resolve("gone.wasi").toString(),
            Examples.wasi("math").toAbsolutePath().toString()));
    settings.save();
    Explorer next =
        new Explorer(ExplorerFixture.config(groups, other, other.resolve("control.sock")));
    Stage nextStage =
        WaitForAsyncUtils.asyncFx(
                () -> {
                  Stage s = new Stage();
                  next.show(s);
                  return s;
                })
            .get(10, TimeUnit.SECONDS);
    try {
      await("math.wasi is open again", () -> !next.modules().modules().isEmpty(), () -> {});
      assertEquals(
          List.of(Examples.wasi("math").toAbsolutePath()),
          next.modules().modules().stream().map(m -> m.file()).toList());
      assertEquals("", next.modules().errorProperty().get());
    } finally {
      WaitForAsyncUtils.asyncFx(nextStage::hide).get(10, TimeUnit.SECONDS);
    }
  }
}
