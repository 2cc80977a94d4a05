package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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
import org.weverywhere.ErrorCode;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.desktop.submit.DaemonRun;
import org.weverywhere.desktop.submit.Program;
import org.weverywhere.desktop.submit.SendOutcome;
import org.weverywhere.net.DirArgument;

/**
 * The Submit screen against three real daemons in this JVM, found by one discovery on loopback: two
 * that run what they are sent and one whose anonymous traffic quota (24 KiB a period) refuses
 * hello.wasi (34 KB), while describing the most free slots, so that a spread over two asks it first
 * and must replace it. Then a directory attached to a command run on one daemon, its changed tree
 * written back (and only with the user's confirmation over existing files), and a tree too large
 * for a request refused before anything is sent.
 */
@ExtendWith(ApplicationExtension.class)
class SubmitAgainstDaemonsTest {
  private static final int PORT = InProcessDaemon.freeGroupPort();
  private static InProcessDaemon ok1;
  private static InProcessDaemon ok2;
  private static InProcessDaemon refuser;

  @TempDir Path config;
  @TempDir Path files;
  private Explorer explorer;
  private Stage stage;

  @BeforeAll
  static void startDaemons() {
    ok1 =
        InProcessDaemon.onSharedPort(
            PORT,
            "ok-1",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.cores = 1");
    ok2 =
        InProcessDaemon.onSharedPort(
            PORT,
            "ok-2",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.cores = 1");
    refuser =
        InProcessDaemon.onSharedPort(
            PORT,
            "refuser",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            "host.quota.cores = 4",
            "group.anonymous.quota.cores = 4",
            "group.anonymous.quota.network.period-bytes = 24KiB");
  }

  @AfterAll
  static void stopDaemons() {
    for (InProcessDaemon daemon : new InProcessDaemon[] {ok1, ok2, refuser}) {
      if (daemon != null) {
        daemon.close();
      }
    }
  }

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    explorer = ExplorerFixture.show(stage, ok1.groups(), config, ok1.controlSocket(), 1280, 760);
  }

  @AfterEach
  void close() throws Exception {
    ExplorerFixture.hide(stage);
  }

  /** Polls {@code condition} on the FX thread for at most 30 s. */
  private void await(String what, Callable<Boolean> condition) throws Exception {
    ExplorerFixture.await(
        what,
        condition,
        Duration.ofSeconds(30),
        () ->
            "peers: "
                + explorer.peers().peers()
                + "; outcome: "
                + explorer.submit().outcomeTextProperty().get()
                + "; summary: "
                + explorer.submit().summaryProperty().get());
  }

  private static void type(FxRobot robot, String field, String text) {
    robot.interact(
        () ->
            robot.lookup(field).queryAs(javafx.scene.control.TextInputControl.class).setText(text));
  }

  /** Discovers all three daemons, opens {@code module} and goes to the Submit screen. */
  private void discoverAndOpen(FxRobot robot, String module) throws Exception {
    ExplorerFixture.shortcut(robot, KeyCode.D);
    await("three daemons answered", () -> explorer.submit().peers().size() == 3);
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi(module))));
    await(
        module + " is open",
        () ->
            explorer.submit().programProperty().get() instanceof Program.Module m
                && m.toString().equals(module + ".wasi"));
    ExplorerFixture.shortcut(robot, KeyCode.DIGIT4);
  }

  private Map<String, DaemonRun> rowsByDaemon() {
    return explorer.submit().runs().stream()
        .collect(Collectors.toMap(r -> r.daemon().split(" ")[0], Function.identity()));
  }

  @Test
  void aSpreadOverTwoReplacesTheRefusingDaemonAndRunsNothingTwice(FxRobot robot) throws Exception {
    discoverAndOpen(robot, "hello");
    robot.clickOn("Run as a command");
    robot.clickOn("#reachSpread");
    assertEquals(2, explorer.submit().spreadProperty().get(), "two by default");
    robot.clickOn("#sendButton");
    await("the summary is shown", () -> !explorer.submit().summaryProperty().get().isEmpty());

    String summary = robot.lookup("#runSummary").queryAs(Label.class).getText();
    assertTrue(
        summary.startsWith("hello.wasi: 2 of 2 succeeded, 1 refused (3 daemons could run it;"),
        summary);
    assertTrue(explorer.submit().summaryCompleteProperty().get());
    TableView<DaemonRun> table = robot.lookup("#runTable").queryTableView();
    assertEquals(3, table.getItems().size(), "one row per daemon asked");
    Map<String, DaemonRun> rows = rowsByDaemon();
    assertEquals(3, rows.size(), "no daemon asked twice: " + table.getItems());
    DaemonRun refused = rows.get("refuser");
    assertEquals(DaemonRun.Status.REFUSED, refused.status());
    assertTrue(refused.outcome().contains("quota"), refused.outcome());
    assertTrue(refused.result().isEmpty(), "nothing ran there");
    // the refuser described the most free slots, so it was asked first and then replaced
    assertEquals("refuser", table.getItems().getFirst().daemon().split(" ")[0]);
    for (String ok : List.of("ok-1", "ok-2")) {
      DaemonRun row = rows.get(ok);
      assertEquals(DaemonRun.Status.SUCCEEDED, row.status(), row.toString());
      assertEquals("exit 0", row.outcome());
      assertTrue(row.output().startsWith("hello from WEverywhere"), row.output());
      assertTrue(row.result().orElseThrow().cpuNanos() > 0, "the daemon counted CPU time");
      assertFalse(row.cpu().isEmpty());
      assertFalse(row.wall().isEmpty());
    }
    ExplorerFixture.shoot(stage, ExplorerFixture.screenshots().resolve("submit-several.png"));
  }

  @Test
  void aCallToAllAndToTheChosenStreamsOneRowPerDaemon(FxRobot robot) throws Exception {
    discoverAndOpen(robot, "math");
    robot.interact(() -> explorer.submit().chooseFunction("add"));
    robot.clickOn("#arg0").write("40");
    robot.clickOn("#arg1").write("2");

    robot.clickOn("#reachAll");
    robot.clickOn("#sendButton");
    await("all three answered", () -> !explorer.submit().summaryProperty().get().isEmpty());
    assertTrue(
        explorer
            .submit()
            .summaryProperty()
            .get()
            .startsWith("math.wasi: 3 of 3 succeeded (3 daemons could run it;"),
        explorer.submit().summaryProperty().get());
    assertEquals(
        List.of("42 : i32", "42 : i32", "42 : i32"),
        explorer.submit().runs().stream().map(DaemonRun::output).toList());

    robot.clickOn("#reachChosen");
    robot.clickOn("#choose-ok-2");
    robot.clickOn("#sendButton");
    await(
        "ok-2 answered",
        () -> explorer.submit().summaryProperty().get().startsWith("math.wasi: 1 of 1"));
    assertEquals(
        List.of("ok-2"),
        explorer.submit().runs().stream().map(r -> r.daemon().split(" ")[0]).toList());
  }

  @Test
  void anAttachedDirectoryIsChangedByTheGuestAndWrittenBackOnlyOverFilesWhenConfirmed(FxRobot robot)
      throws Exception {
    Path work = Files.createDirectories(files.resolve("work"));
    Files.writeString(work.resolve("in.txt"), "shout\n");
    Files.writeString(work.resolve("gone.txt"), "bye\n");
    Path back = files.resolve("back");
    discoverAndOpen(robot, "files");
    robot.clickOn("Run as a command");
    robot.interact(
        () ->
            explorer
                .submit()
                .choosePeer(
                    explorer.submit().peers().stream()
                        .filter(p -> p.name().equals("ok-1"))
                        .findFirst()
                        .orElseThrow()));
    // typed into the fields (they may be scrolled out of the window's view, so not by clicks); the
    // directory as the Attach button's chooser would hand it over
    type(robot, "#commandArgs", "upper data");
    robot.interact(() -> explorer.submit().attach(work, "data"));
    assertEquals(List.of(new DirArgument(work, "data")), explorer.submit().dirs());
    type(robot, "#writeBackTo", back.toString());
    assertEquals("ok-1", explorer.submit().peerProperty().get().name());
    robot.clickOn("#sendButton");
    await(
        "the tree came back",
        () -> explorer.submit().writeBackProperty().get().startsWith("wrote"));
    SendOutcome.Ran ran =
        assertInstanceOf(SendOutcome.Ran.class, explorer.submit().outcomeProperty().get());
    assertEquals(0, ran.executed().result().exit(), explorer.submit().outcomeTextProperty().get());
    assertEquals("SHOUT\n", Files.readString(back.resolve("data/out.txt")));
    ExplorerFixture.shoot(stage, ExplorerFixture.screenshots().resolve("submit-dir.png"));
    assertTrue(Files.isDirectory(back.resolve("data/made")));
    assertFalse(Files.exists(back.resolve("data/gone.txt")), "the guest deleted it");
    assertEquals("shout\n", Files.readString(work.resolve("in.txt")), "the local tree untouched");
    assertTrue(Files.exists(work.resolve("gone.txt")), "the local tree untouched");

    // again: the files are there now; nothing is replaced until the user confirms
    Files.writeString(back.resolve("data/out.txt"), "mine");
    robot.clickOn("#sendButton");
    await("the write-back is held", () -> explorer.submit().replaceOfferedProperty().get());
    assertTrue(
        explorer.submit().writeBackProperty().get().startsWith("not written back [WE"),
        explorer.submit().writeBackProperty().get());
    assertEquals("mine", Files.readString(back.resolve("data/out.txt")));
    robot.clickOn("#replaceButton");
    await("the user is asked to confirm", () -> robot.lookup("Yes").tryQuery().isPresent());
    robot.clickOn("Yes");
    await(
        "the files are replaced",
        () -> explorer.submit().writeBackProperty().get().startsWith("wrote"));
    assertEquals("SHOUT\n", Files.readString(back.resolve("data/out.txt")));
  }

  @Test
  void aTreeTooLargeForARequestIsRefusedWithItsMessageBeforeAnythingIsSent(FxRobot robot)
      throws Exception {
    Path big = Files.createDirectories(files.resolve("big"));
    // sparse: its size alone refuses it, no disk is used
    try (var file = new RandomAccessFile(big.resolve("huge.bin").toFile(), "rw")) {
      file.setLength(DirArgument.MAX_BYTES + 1);
    }
    discoverAndOpen(robot, "files");
    robot.clickOn("Run as a command");
    type(robot, "#commandArgs", "upper big");
    robot.interact(() -> explorer.submit().attach(big, ""));
    assertEquals("big", explorer.submit().dirs().getFirst().guest(), "its name by default");
    robot.clickOn("#sendButton");
    await("it is refused", () -> explorer.submit().outcomeProperty().get() != null);
    SendOutcome.NotSent refused =
        assertInstanceOf(SendOutcome.NotSent.class, explorer.submit().outcomeProperty().get());
    assertEquals(ErrorCode.TREE_TOO_LARGE.code(), refused.code());
    assertEquals(
        big + ": more than the " + DirArgument.MAX_BYTES + " bytes allowed", refused.message());
    assertEquals(
        "not sent [" + ErrorCode.TREE_TOO_LARGE.code() + "]",
        robot.lookup("#outcomeHeadline").queryAs(Label.class).getText());
    assertTrue(explorer.submit().runs().isEmpty());
  }
}
