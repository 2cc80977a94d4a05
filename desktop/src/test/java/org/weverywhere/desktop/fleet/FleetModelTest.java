package org.weverywhere.desktop.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javafx.scene.chart.XYChart;
import org.junit.jupiter.api.Test;
import org.weverywhere.desktop.ScriptedNetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.DaemonEvent;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.testing.MovableClock;
import org.weverywhere.trust.Ed25519;

class FleetModelTest {
  private static final String MEMORY =
      "{\"memory_total_bytes\":8589934592,\"memory_free_bytes\":2147483648}";
  private static final String LOAD =
      "{\"load_average\":{\"1m\":0.75,\"5m\":0.50,\"15m\":null},\"cpu_logical_cores\":4,"
          + "\"executions_started\":12,\"slots\":{\"anonymous\":{\"in_use\":1,\"total\":4}}}";

  private final ScriptedNetworkClient client = new ScriptedNetworkClient();
  private final EventBus bus = new EventBus();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T09:00:00Z"));
  private final FleetModel model =
      new FleetModel(
          client,
          bus,
          Runnable::run,
          Runnable::run,
          clock,
          () -> Path.of("/nonexistent/control.sock"));

  private static ExplorerEvent.PeerChoice peer(String name, int port) {
    return new ExplorerEvent.PeerChoice(
        name,
        new DaemonAddress(
            new MessageSigner(Ed25519.generate()).fingerprint(),
            new InetSocketAddress("127.0.0.1", port),
            port));
  }

  private static Message.Result printed(String stdout) {
    return new Message.Result(
        "completed", 0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0], List.of(), 0);
  }

  private static String probeOf(Message.Execute request) {
    return ((Message.LibraryTarget) request.target()).library();
  }

  private static List<Number> ys(XYChart.Series<Number, Number> series) {
    return series.getData().stream().map(XYChart.Data::getYValue).toList();
  }

  @Test
  void eachRefreshRunsBothProbesOnEveryDaemonAndAddsAPointPerDaemon() {
    bus.publish(new ExplorerEvent.PeersChanged(List.of(peer("alpha", 1), peer("beta", 2))));
    client.executor =
        request -> printed(probeOf(request).equals(Reading.MEMORY_PROBE) ? MEMORY : LOAD);
    model.refresh();
    clock.advance(Duration.ofSeconds(2));
    model.refresh();

    assertEquals(8, client.executed.size(), "two probes, two daemons, two refreshes");
    assertEquals(
        List.of("probe-memory", "probe-load"),
        client.executed.subList(0, 2).stream().map(FleetModelTest::probeOf).toList(),
        "in top's order, as commands through execute");
    assertEquals(
        List.of("alpha", "beta"), model.load().stream().map(XYChart.Series::getName).toList());
    assertEquals(List.of(0.75, 0.75), ys(model.load().getFirst()));
    assertEquals(List.of(2048.0, 2048.0), ys(model.memory().get(1)), "free memory in MiB");
    assertEquals(
        List.of(0.0, 2.0),
        model.load().getFirst().getData().stream().map(XYChart.Data::getXValue).toList());
    assertEquals("2 of 2 daemons probed", model.statusProperty().get());
    assertFalse(model.refreshingProperty().get());
  }

  @Test
  void aDaemonThatRefusesOrPrintsGarbageIsNamedInTheStatusAndGetsNoPoint() {
    ExplorerEvent.PeerChoice alpha = peer("alpha", 1);
    ExplorerEvent.PeerChoice beta = peer("beta", 2);
    ExplorerEvent.PeerChoice gamma = peer("gamma", 3);
    client.executor =
        request -> printed(probeOf(request).equals(Reading.MEMORY_PROBE) ? MEMORY : LOAD);
    NetworkSplit split = new NetworkSplit(client, beta.address(), gamma.address());
    FleetModel split3 =
        new FleetModel(split, bus, Runnable::run, Runnable::run, clock, () -> Path.of("x"));
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha, beta, gamma)));
    split3.refresh();

    assertEquals(List.of("alpha"), split3.load().stream().map(XYChart.Series::getName).toList());
    String status = split3.statusProperty().get();
    assertTrue(status.startsWith("1 of 3 daemons probed; "), status);
    assertTrue(status.contains("beta: probe-memory printed no JSON object"), status);
    assertTrue(status.contains("gamma: the observe privilege is missing"), status);
  }

  @Test
  void withNoDaemonHeardRefreshSaysWhereToLookAndSendsNothing() {
    model.refresh();
    assertTrue(client.executed.isEmpty());
    assertEquals(
        "No daemon to probe: discover them on the Peers screen first.",
        model.statusProperty().get());
  }

  @Test
  void liveRefreshesOnTheTimersTickAndOnlyThen() {
    bus.publish(new ExplorerEvent.PeersChanged(List.of(peer("alpha", 1))));
    client.executor =
        request -> printed(probeOf(request).equals(Reading.MEMORY_PROBE) ? MEMORY : LOAD);
    model.tick();
    assertTrue(client.executed.isEmpty());
    model.liveProperty().set(true);
    model.tick();
    assertEquals(2, client.executed.size());
  }

  @Test
  void refusalSummariesAreCountedPerGroupFromTheirRows() {
    String summary =
        "{\"weverywhereseq\":9,\"type\":\"org.weverywhere.requests.refused\",\"time\":\"t\","
            + "\"data\":{\"since\":\"a\",\"until\":\"b\",\"count\":9,\"bytes\":900,\"counts\":["
            + "{\"requester\":\"SHA256:x\",\"group\":\"anonymous\",\"reason\":\"WE5020\",\"count\":3,\"bytes\":300},"
            + "{\"requester\":\"SHA256:y\",\"group\":\"ops\",\"reason\":\"WE5022 network-rate\",\"count\":2,\"bytes\":200},"
            + "{\"requester\":\"SHA256:x\",\"group\":\"anonymous\",\"reason\":\"WE5021\",\"count\":1,\"bytes\":100}],"
            + "\"others\":{\"count\":3,\"bytes\":300}}}";
    model.count(List.of(org.weverywhere.net.DaemonEvent.parse(summary)));
    assertEquals(
        Map.of("anonymous", 4L, "ops", 2L, FleetModel.NO_GROUP, 3L),
        bars(model.groups().get(1)),
        "rows summed per group; rows past the summary's limit under no group");
    // a summary whose rows are not what this version reads counts nothing, and throws nothing
    String odd =
        "{\"weverywhereseq\":10,\"type\":\"org.weverywhere.requests.refused\",\"time\":\"t\","
            + "\"data\":{\"counts\":\"not rows\",\"others\":[1,2]}}";
    assertEquals(Map.of(), FleetModel.summedRefusals(org.weverywhere.net.DaemonEvent.parse(odd)));
  }

  @Test
  void eventsAreCountedAsExecutionsAndRefusalsPerGroup() {
    model.count(
        List.of(
            event(1, "execution.started", "anonymous"),
            event(2, "execution.finished", "anonymous"),
            event(3, "execution.started", "ops"),
            event(4, "quota.refused", "anonymous"),
            event(5, "request.refused", "ops"),
            event(6, "execution.started", "anonymous")));
    model.count(List.of(event(7, "quota.refused", "anonymous"), event(8, "request.refused", "")));

    assertEquals(Map.of("anonymous", 2L, "ops", 1L), bars(model.groups().get(0)));
    assertEquals(
        Map.of("anonymous", 2L, "ops", 1L, FleetModel.NO_GROUP, 1L),
        bars(model.groups().get(1)),
        "a request refused before any group was charged has a bar of its own");
    assertEquals(
        List.of("executions", "refusals"),
        model.groups().stream().map(XYChart.Series::getName).toList());
  }

  @Test
  void followingWithoutADaemonSocketSaysSoAndStops() throws Exception {
    model.follow();
    assertFalse(model.followingProperty().get());
    String said = model.eventsStatusProperty().get();
    assertTrue(said.contains("/nonexistent/control.sock") && said.matches(".*\\[WE\\d{4}]"), said);
  }

  @Test
  void hostileProbeOutputIsAOneLineRefusalNeverAReading() {
    assertThrows(IllegalArgumentException.class, () -> Reading.of("", LOAD));
    assertThrows(IllegalArgumentException.class, () -> Reading.of(MEMORY, "[1,2]"));
    assertThrows(IllegalArgumentException.class, () -> Reading.of(MEMORY, "{\"load_average\":"));
    IllegalArgumentException deep =
        assertThrows(IllegalArgumentException.class, () -> Reading.of(MEMORY, "[".repeat(100_000)));
    assertFalse(deep.getMessage().contains("\n"), deep.getMessage());
    Reading odd =
        Reading.of("{\"memory_free_bytes\":\"lots\"}", "{\"load_average\":{\"1m\":null}}");
    assertEquals(
        new Reading(-1, -1, -1, -1), odd, "figures a probe did not print are unknown, not zero");
    assertEquals(new Reading(0.75, 8589934592L, 2147483648L, 12), Reading.of(MEMORY, LOAD));
  }

  private static Map<String, Long> bars(XYChart.Series<String, Number> series) {
    return series.getData().stream()
        .filter(d -> d.getYValue().longValue() > 0)
        .collect(
            java.util.stream.Collectors.toMap(
                XYChart.Data::getXValue, d -> d.getYValue().longValue()));
  }

  private static DaemonEvent event(long sequence, String kind, String group) {
    return new DaemonEvent(
        sequence, "2026-12-02T09:00:00Z", kind, "SHA256:x", group, Map.of(), "{}");
  }

  /** Beta prints garbage, gamma refuses (no observe privilege), the others answer as scripted. */
  private record NetworkSplit(
      ScriptedNetworkClient inner, DaemonAddress garbage, DaemonAddress refuses)
      implements org.weverywhere.desktop.client.NetworkClient {
    @Override
    public org.weverywhere.net.Discovery.Listening listen(
        org.weverywhere.desktop.client.PeerListener l) {
      return inner.listen(l);
    }

    @Override
    public List<String> discover(
        Duration t, java.util.function.Consumer<org.weverywhere.desktop.client.Sighting> e) {
      return inner.discover(t, e);
    }

    @Override
    public Message.Description describe(DaemonAddress p) {
      return inner.describe(p);
    }

    @Override
    public Message.ModuleReply fetch(DaemonAddress p, String l) {
      return inner.fetch(p, l);
    }

    @Override
    public org.weverywhere.net.FreeCapacity capacity(DaemonAddress p) {
      return inner.capacity(p);
    }

    @Override
    public org.weverywhere.desktop.client.Executed execute(DaemonAddress p, Message.Execute r) {
      if (p.equals(garbage)) {
        return new org.weverywhere.desktop.client.Executed(
            printed("<html>not json"), 1, Duration.ZERO);
      }
      if (p.equals(refuses)) {
        throw new ProtocolException(
            ProtocolException.Reason.NOT_PERMITTED, "the observe privilege is missing");
      }
      return inner.execute(p, r);
    }
  }
}
