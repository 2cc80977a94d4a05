package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
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
import org.weverywhere.desktop.client.ProtocolNetworkClient;
import org.weverywhere.desktop.shell.Explorer;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.trust.Ed25519;

/**
 * The Fleet screen of the real explorer against the real daemon in this JVM, on loopback, with its
 * built-in probes on and the anonymous group allowed to observe (as {@code weverywhere top} needs):
 * after refreshes, the daemon's load and free-memory series are on the charts with a point per
 * refresh, and following its event stream draws its executions per group. It also renders the
 * screen to fleet.png for the docs ({@code -Dscreenshots.dir=...}).
 */
@ExtendWith(ApplicationExtension.class)
class FleetAgainstDaemonTest {
  @TempDir Path config;
  private static InProcessDaemon daemon;
  private Explorer explorer;
  private Stage stage;

  /** Started before the stage is set up, whose own time limit a loaded machine may exceed. */
  @BeforeAll
  static void startDaemon() {
    daemon =
        new InProcessDaemon(
            "fleet-1",
            List.of("math.wasi"),
            "libraries.builtin = true",
            "group.anonymous.privileges = execute, observe",
            "events.refusals.interval = 1s");
  }

  @AfterAll
  static void stopDaemon() {
    daemon.close();
  }

  @Start
  void start(Stage stage) throws java.io.IOException {
    this.stage = stage;
    explorer =
        ExplorerFixture.show(stage, daemon.groups(), config, daemon.controlSocket(), 1100, 640);
  }

  @AfterEach
  void close() throws Exception {
    ExplorerFixture.hide(stage);
  }

  /** Polls {@code condition} on the FX thread for at most 15 s. */
  private void await(String what, Callable<Boolean> condition) throws Exception {
    ExplorerFixture.await(
        what,
        condition,
        Duration.ofSeconds(15),
        () ->
            "fleet: "
                + explorer.fleet().statusProperty().get()
                + "; events: "
                + explorer.fleet().eventsStatusProperty().get()
                + "; bars: "
                + explorer.fleet().groups().stream()
                    .map(
                        s ->
                            s.getName()
                                + " "
                                + s.getData().stream()
                                    .map(d -> d.getXValue() + "=" + d.getYValue())
                                    .toList())
                    .toList());
  }

  private static int points(LineChart<Number, Number> chart, String daemon) {
    return chart.getData().stream()
        .filter(s -> s.getName().equals(daemon))
        .mapToInt(s -> s.getData().size())
        .sum();
  }

  @Test
  void afterRefreshesTheChartsShowTheDaemonsSeriesAndItsExecutionsPerGroup(FxRobot robot)
      throws Exception {
    ExplorerFixture.shortcut(robot, KeyCode.D);
    await(
        "fleet-1 answered",
        () -> explorer.peers().peers().stream().anyMatch(p -> p.node().equals(daemon.node())));
    ExplorerFixture.shortcut(robot, KeyCode.DIGIT7);
    LineChart<Number, Number> load = robot.lookup("#loadChart").query();
    LineChart<Number, Number> memory = robot.lookup("#memoryChart").query();
    for (int refresh = 1; refresh <= 3; refresh++) {
      int expected = refresh;
      robot.clickOn("#fleetRefreshButton");
      await(
          "refresh " + expected + " drew its points",
          () ->
              points(load, "fleet-1") == expected
                  && points(memory, "fleet-1") == expected
                  && !explorer.fleet().refreshingProperty().get());
    }
    assertEquals(
        "1 of 1 daemons probed", robot.lookup("#fleetStatus").queryAs(Label.class).getText());
    XYChart.Data<Number, Number> free = memory.getData().getFirst().getData().getLast();
    assertTrue(free.getYValue().doubleValue() > 1, "this host has more than 1 MiB free: " + free);
    assertTrue(load.getData().getFirst().getData().getLast().getYValue().doubleValue() >= 0);

    // a real refusal: the anonymous group may not fetch
    var fetcher =
        new ProtocolNetworkClient(
            () -> new MessageSigner(Ed25519.generate()),
            daemon.groups(),
            List.of(LoopbackDaemon.loopback()),
            0,
            Clock.systemUTC());
    ProtocolException refused =
        assertThrows(
            ProtocolException.class,
            () -> fetcher.fetch(explorer.peers().peers().getFirst().address(), "math"));
    assertEquals(ProtocolException.Reason.NOT_PERMITTED, refused.reason(), refused.getMessage());

    robot.clickOn("#fleetFollowButton");
    BarChart<String, Number> groups = robot.lookup("#groupChart").query();
    // six probes ran, two per refresh, each an admitted execution of the anonymous group; one fetch
    // was refused, counted for the anonymous group in the interval's refusal summary
    await(
        "the anonymous group's executions and refusal are drawn",
        () -> bar(groups, 0, "anonymous") == 6 && bar(groups, 1, "anonymous") == 1);
    assertEquals(
        List.of("executions", "refusals"),
        groups.getData().stream().map(XYChart.Series::getName).toList());
    ExplorerFixture.shoot(stage, ExplorerFixture.screenshots().resolve("fleet.png"));
    robot.clickOn("#fleetStopButton");
    await("following stops", () -> !explorer.fleet().followingProperty().get());
  }

  private static long bar(BarChart<String, Number> chart, int series, String group) {
    return chart.getData().get(series).getData().stream()
        .filter(d -> d.getXValue().equals(group))
        .mapToLong(d -> d.getYValue().longValue())
        .sum();
  }
}
