package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.weverywhere.desktop.browse.Offer;
import org.weverywhere.desktop.peers.PeerRow;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.desktop.submit.Program;
import org.weverywhere.net.DaemonEvent;

/**
 * The real explorer, headless on Monocle, against the real daemon running in this JVM on loopback
 * ({@link InProcessDaemon}: its beans under Weld SE, free ports, TTL 0), driven as a user would:
 * the daemon appears on the Peers screen, its library's typed functions on the Browse screen,
 * {@code math.add} returns its result on the Submit screen, and a module larger than the anonymous
 * group's traffic quota comes back as a named quota refusal. The last test stops the daemon and
 * watches it fade on its {@code bye}.
 */
@ExtendWith(ApplicationExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExplorerAgainstDaemonTest {
  /**
   * The anonymous group may move 24 KiB per period: math.add fits many times, hello.wasi (34 KB)
   * never.
   */
  private static final String QUOTA = "group.anonymous.quota.network.period-bytes = 24KiB";

  private static InProcessDaemon daemon;

  @TempDir Path config;
  private Explorer explorer;
  private Stage stage;

  @BeforeAll
  static void startDaemon() {
    // refusals and discovers are journaled as summaries: one a second here, so the test sees them
    // soon
    daemon =
        new InProcessDaemon(
            "lab-1",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            QUOTA,
            "events.refusals.interval = 1s");
  }

  @AfterAll
  static void stopDaemon() {
    daemon.close();
  }

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    explorer = ExplorerFixture.show(stage, daemon.groups(), config, daemon.controlSocket(), 0, 0);
  }

  @AfterEach
  void close() throws Exception {
    ExplorerFixture.hide(stage);
  }

  /** Polls {@code condition} on the FX thread every 100 ms for at most 15 s. */
  private void await(String what, Callable<Boolean> condition) throws Exception {
    for (int i = 0; i < 150; i++) {
      WaitForAsyncUtils.waitForFxEvents();
      if (WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS)) {
        return;
      }
      Thread.sleep(100); // bounded: at most 150 rounds
    }
    throw new AssertionError(
        "timed out waiting until "
            + what
            + "; peers: "
            + explorer.peers().peers()
            + "; status: "
            + explorer.peers().statusProperty().get()
            + "; listening: "
            + explorer.peers().listeningProperty().get()
            + "; browse: "
            + explorer.browse().tree());
  }

  private static void shortcut(FxRobot robot, KeyCode key) {
    ExplorerFixture.shortcut(robot, key);
  }

  /** Ctrl+D, then waits for the daemon's row and for Browse to have described it. */
  private void discover(FxRobot robot) throws Exception {
    shortcut(robot, KeyCode.D);
    await(
        "lab-1 answered",
        () -> explorer.peers().peers().stream().anyMatch(p -> p.node().equals(daemon.node())));
    await(
        "lab-1 is described",
        () ->
            explorer.submit().programs().stream()
                .anyMatch(p -> p.toString().equals("math 1.0.0 on lab-1")));
  }

  private String outcome(FxRobot robot) {
    return robot.lookup("#outcome").queryAs(TextArea.class).getText();
  }

  @Test
  @Order(1)
  void theDaemonAppearsOnThePeersScreenWithItsLibraryAndRoundTrip(FxRobot robot) throws Exception {
    TableView<PeerRow> table = robot.lookup("#peerTable").queryTableView();
    discover(robot);
    PeerRow lab = table.getItems().getFirst();
    assertEquals("lab-1", lab.name());
    assertEquals(daemon.node(), lab.node());
    assertEquals(List.of("math"), lab.libraries());
    assertEquals("127.0.0.1", lab.addressText());
    assertEquals(daemon.httpPort(), lab.httpPort());
    assertTrue(
        lab.roundTrip().orElseThrow().compareTo(Duration.ofSeconds(2)) < 0,
        lab.roundTrip().toString());
    await(
        "the round is over",
        () ->
            robot
                .lookup("#peersStatus")
                .queryAs(Label.class)
                .getText()
                .startsWith("1 node answered"));
  }

  @Test
  @Order(2)
  void theBrowseScreenListsTheLibrarysTypedFunctionsAndFindsThem(FxRobot robot) throws Exception {
    discover(robot);
    shortcut(robot, KeyCode.DIGIT2);
    TreeView<Offer> tree = robot.lookup("#offerTree").query();
    await(
        "the tree shows lab-1's library",
        () ->
            tree.getRoot().getChildren().size() == 1
                && tree.getRoot().getChildren().getFirst().getChildren().size() == 1);
    TreeItem<Offer> lab = tree.getRoot().getChildren().getFirst();
    assertEquals("lab-1", lab.getValue().label());
    TreeItem<Offer> math = lab.getChildren().getFirst();
    assertEquals("math 1.0.0", math.getValue().label());
    List<String> functions = math.getChildren().stream().map(f -> f.getValue().label()).toList();
    assertTrue(
        functions.containsAll(
            List.of(
                "add (i32, i32) -> i32",
                "factorial (i32) -> i64",
                "mul_f64 (f64, f64) -> f64",
                "gcd (i64, i64) -> i64")),
        functions.toString());

    robot.clickOn("#offerSearch").write("gcd");
    await(
        "the search keeps gcd only",
        () ->
            tree.getRoot().getChildren().getFirst().getChildren().getFirst().getChildren().stream()
                .map(f -> f.getValue().label())
                .toList()
                .equals(List.of("gcd (i64, i64) -> i64")));
    robot.interact(
        () ->
            tree.getSelectionModel()
                .select(tree.getRoot().getChildren().getFirst().getChildren().getFirst()));
    String detail = robot.lookup("#offerDetail").queryAs(TextArea.class).getText();
    assertTrue(detail.startsWith("library math\nversion 1.0.0\nsha256 "), detail);
    assertTrue(detail.contains("size " + Files.size(Examples.wasi("math")) + " bytes"), detail);
  }

  @Test
  @Order(3)
  void mathAddOnTheDaemonsLibraryReturnsItsResult(FxRobot robot) throws Exception {
    discover(robot);
    shortcut(robot, KeyCode.DIGIT4);
    ComboBox<Program> what = robot.lookup("#programChoice").queryComboBox();
    robot.clickOn(what);
    robot.clickOn("math 1.0.0 on lab-1");
    await(
        "the form for add",
        () ->
            explorer.submit().formProperty().get() != null
                && explorer.submit().formProperty().get().function().equals("add"));
    assertEquals(
        "lab-1", explorer.submit().peerProperty().get().name(), "a library runs where it lives");
    robot.clickOn("#arg0").write("40");
    robot.clickOn("#arg1").write("2");
    robot.clickOn("#sendButton");
    await("the daemon answered", () -> explorer.submit().outcomeProperty().get() != null);
    String shown = outcome(robot);
    assertTrue(
        shown.startsWith("results: 42 : i32\noutcome: completed\nexit: 0\nusage: cpu time "),
        shown);
    assertTrue(
        shown.matches(
            "(?s).*, wall \\d+\\.\\d{3} ms, peak memory \\d+ KiB \\(the daemon's count\\).*"),
        shown);
    assertEquals(
        "results: 42 : i32", robot.lookup("#outcomeHeadline").queryAs(Label.class).getText());
  }

  @Test
  @Order(4)
  void aModuleSentWithTheRequestRunsThereToo(FxRobot robot) throws Exception {
    discover(robot);
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("math"))));
    await(
        "math.wasi reaches Submit",
        () -> explorer.submit().programProperty().get() instanceof Program.Module);
    shortcut(robot, KeyCode.DIGIT4);
    robot.interact(() -> explorer.submit().chooseFunction("factorial"));
    robot.clickOn("#arg0").write("20");
    robot.type(KeyCode.ENTER); // Send is the default button
    await("the daemon answered", () -> explorer.submit().outcomeProperty().get() != null);
    assertTrue(outcome(robot).startsWith("results: 2432902008176640000 : i64\n"), outcome(robot));
  }

  @Test
  @Order(5)
  void aModuleOverTheGroupsTrafficQuotaIsShownAsAQuotaRefusalNamingTheQuota(FxRobot robot)
      throws Exception {
    assertTrue(Files.size(Examples.wasi("hello")) > 24 * 1024);
    discover(robot);
    robot.interact(() -> explorer.modules().open(List.of(Examples.wasi("hello"))));
    await(
        "hello.wasi reaches Submit",
        () ->
            explorer.submit().programProperty().get() != null
                && explorer.submit().programProperty().get().toString().equals("hello.wasi"));
    shortcut(robot, KeyCode.DIGIT4);
    robot.clickOn("Run as a command");
    robot.clickOn("#sendButton");
    await("the daemon answered", () -> explorer.submit().outcomeProperty().get() != null);
    String shown = outcome(robot);
    assertTrue(
        shown.startsWith(
            "QUOTA EXCEEDED: the daemon's 'network-period' quota for your group refused this"
                + " [WE5022]\n"),
        shown);
    assertTrue(
        robot
            .lookup("#outcome")
            .queryAs(TextArea.class)
            .getPseudoClassStates()
            .contains(atlantafx.base.theme.Styles.STATE_DANGER),
        "the outcome is marked as a refusal");
    Label headline = robot.lookup("#outcomeHeadline").queryAs(Label.class);
    assertTrue(
        headline.getText().startsWith("QUOTA EXCEEDED: the daemon's 'network-period' quota"),
        headline.getText());
    assertTrue(headline.getStyleClass().contains(atlantafx.base.theme.Styles.DANGER));
  }

  @Test
  @Order(6)
  void theEventsScreenFollowsTheDaemonsJournalAndFiltersIt(FxRobot robot) throws Exception {
    shortcut(robot, KeyCode.DIGIT6);
    robot.clickOn("#followButton");
    TableView<DaemonEvent> table = robot.lookup("#eventTable").queryTableView();
    // the runs of the tests before are in the journal, with who asked and what they used
    await(
        "the journal's events are shown",
        () -> table.getItems().stream().anyMatch(e -> e.kind().equals("execution.finished")));
    DaemonEvent finished =
        table.getItems().stream()
            .filter(e -> e.kind().equals("execution.finished"))
            .findFirst()
            .orElseThrow();
    assertTrue(finished.requester().startsWith("SHA256:"), finished.toString());
    assertEquals("anonymous", finished.group());
    assertTrue(finished.details().containsKey("cpuNanos"), finished.toString());
    assertTrue(
        robot.lookup("#eventsStatus").queryAs(Label.class).getText().startsWith("Following "));

    robot.clickOn("#kindFilter").write("requests.refused");
    await(
        "only the summary of refusals is left",
        () ->
            !table.getItems().isEmpty()
                && table.getItems().stream().allMatch(e -> e.kind().equals("requests.refused")));
    String counts = table.getItems().getFirst().details().get("counts");
    assertTrue(counts.contains("network-period"), counts);

    // a new event arrives while following
    long before = explorer.events().shown().size();
    robot.interact(() -> explorer.events().kindFilterProperty().set("requests.received"));
    long received = table.getItems().size();
    discover(robot);
    await("the discover is journaled and shown", () -> table.getItems().size() > received);
    robot.clickOn("#stopButton");
    await("following stops", () -> !explorer.events().followingProperty().get());
    assertTrue(before > 0);
  }

  @Test
  @Order(7)
  void whenTheDaemonStopsItsByeFadesItsRow(FxRobot robot) throws Exception {
    discover(robot);
    daemon.close(); // the container stops; the daemon multicasts bye on loopback
    await("lab-1 fades", () -> explorer.peers().peers().getFirst().isFading());
    await("Submit forgets its library", () -> explorer.submit().programs().isEmpty());
    assertEquals("lab-1 said bye", robot.lookup("#peersStatus").queryAs(Label.class).getText());
  }
}
