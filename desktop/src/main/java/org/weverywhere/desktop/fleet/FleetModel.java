package org.weverywhere.desktop.fleet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.desktop.journal.EventStream;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.DaemonEvent;
import org.weverywhere.protocol.Message;

/**
 * The Fleet screen's state, built only from what {@code weverywhere top} uses: each live daemon's
 * built-in probes {@code probe-memory} and {@code probe-load}, run through the ordinary execute
 * request at each refresh, become one point per daemon on the load and free-memory charts; and a
 * local daemon's event stream (its control socket) is counted into executions and refusals per
 * group. Chart data is kept here as JavaFX chart series, which are plain observable data; the view
 * only hands them to its charts. State changes happen on {@code ui}; the network on {@code
 * background}.
 */
public final class FleetModel {
  /** Points kept per daemon and chart: at the view's 2 s refresh, the last ten minutes. */
  public static final int KEPT_POINTS = 300;

  /** Events the first Follow reads back, so the bars do not start empty. */
  static final int FIRST_LOOK = 10_000;

  static final String EXECUTIONS = "executions";
  static final String REFUSALS = "refusals";

  /**
   * Where requests refused before any group was charged (not allowed, unknown signer...) are
   * counted.
   */
  public static final String NO_GROUP = "(no group)";

  private final NetworkClient client;
  private final Executor background;
  private final Executor ui;
  private final Clock clock;
  private final Supplier<Path> socket;
  private final Instant start;
  private final ObservableList<XYChart.Series<Number, Number>> load =
      FXCollections.observableArrayList();
  private final ObservableList<XYChart.Series<Number, Number>> memory =
      FXCollections.observableArrayList();
  private final XYChart.Series<String, Number> executions =
      new XYChart.Series<>(EXECUTIONS, FXCollections.observableArrayList());
  private final XYChart.Series<String, Number> refusals =
      new XYChart.Series<>(REFUSALS, FXCollections.observableArrayList());
  private final ObservableList<XYChart.Series<String, Number>> groups =
      FXCollections.observableArrayList(List.of(executions, refusals));
  private final Map<String, long[]> perGroup = new TreeMap<>();
  private final ReadOnlyBooleanWrapper refreshing = new ReadOnlyBooleanWrapper(this, "refreshing");
  private final ReadOnlyBooleanWrapper following = new ReadOnlyBooleanWrapper(this, "following");
  private final ReadOnlyStringWrapper status =
      new ReadOnlyStringWrapper(
          this,
          "status",
          "Press Refresh (or turn on Live) to probe every daemon heard on the Peers screen.");
  private final ReadOnlyStringWrapper eventsStatus =
      new ReadOnlyStringWrapper(
          this,
          "eventsStatus",
          "Press Follow to count the local daemon's executions and refusals per group.");
  private final BooleanProperty live = new SimpleBooleanProperty(this, "live");
  private List<ExplorerEvent.PeerChoice> peers = List.of();
  private final EventStream stream = new EventStream();

  public FleetModel(
      NetworkClient client,
      EventBus bus,
      Executor background,
      Executor ui,
      Clock clock,
      Supplier<Path> socket) {
    this.client = Objects.requireNonNull(client);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    this.clock = Objects.requireNonNull(clock);
    this.socket = Objects.requireNonNull(socket);
    this.start = clock.instant();
    bus.subscribe(ExplorerEvent.PeersChanged.class, changed -> peers = changed.peers());
  }

  /**
   * One series per daemon (named after it): seconds since the screen opened, one-minute load
   * average.
   */
  public ObservableList<XYChart.Series<Number, Number>> load() {
    return load;
  }

  /** One series per daemon: seconds since the screen opened, free memory in MiB. */
  public ObservableList<XYChart.Series<Number, Number>> memory() {
    return memory;
  }

  /** Two series, executions and refusals, each with one bar per group. */
  public ObservableList<XYChart.Series<String, Number>> groups() {
    return groups;
  }

  public ReadOnlyBooleanProperty refreshingProperty() {
    return refreshing.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty followingProperty() {
    return following.getReadOnlyProperty();
  }

  /** The last refresh in one line, e.g. "2 daemons probed" or why one could not be. */
  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty eventsStatusProperty() {
    return eventsStatus.getReadOnlyProperty();
  }

  /** Whether the view's timer refreshes on its own. */
  public BooleanProperty liveProperty() {
    return live;
  }

  /** Called by the view's timer: refreshes when live and no refresh is under way. */
  public void tick() {
    if (live.get()) {
      refresh();
    }
  }

  /** Probes every live daemon at once; each answer adds its points as it comes. */
  public void refresh() {
    if (refreshing.get()) {
      return;
    }
    List<ExplorerEvent.PeerChoice> asked = peers;
    if (asked.isEmpty()) {
      status.set("No daemon to probe: discover them on the Peers screen first.");
      return;
    }
    refreshing.set(true);
    status.set("probing " + asked.size() + (asked.size() == 1 ? " daemon…" : " daemons…"));
    AtomicInteger left = new AtomicInteger(asked.size());
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    for (ExplorerEvent.PeerChoice peer : asked) {
      background.execute(
          () -> {
            try {
              Reading reading = probe(peer.address());
              double at = Duration.between(start, clock.instant()).toMillis() / 1000.0;
              ui.execute(() -> add(peer, at, reading));
            } catch (WeverywhereException | IllegalArgumentException failed) {
              problems.add(peer.name() + ": " + failed.getMessage());
            } finally {
              if (left.decrementAndGet() == 0) {
                ui.execute(
                    () -> {
                      status.set(
                          (asked.size() - problems.size())
                              + " of "
                              + asked.size()
                              + " daemons probed"
                              + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
                      refreshing.set(false);
                    });
              }
            }
          });
    }
  }

  private Reading probe(DaemonAddress peer) {
    String memoryOut = run(peer, Reading.MEMORY_PROBE);
    return Reading.of(memoryOut, run(peer, Reading.LOAD_PROBE));
  }

  private String run(DaemonAddress peer, String probe) {
    Message.Result result =
        client
            .execute(
                peer,
                new Message.Execute(
                    new Message.LibraryTarget(probe),
                    new Message.Command(List.of(probe), Map.of(), new byte[0])))
            .result();
    if (!result.outcome().equals("completed") || result.exit() != 0) {
      String stderr = new String(result.stderr(), StandardCharsets.UTF_8).strip();
      throw new IllegalArgumentException(
          probe
              + " "
              + result.outcome()
              + " exit "
              + result.exit()
              + (stderr.isEmpty() ? "" : ": " + stderr.lines().reduce((a, b) -> b).orElse("")));
    }
    return new String(result.stdout(), StandardCharsets.UTF_8);
  }

  /** Adds one daemon's reading (on the ui executor). */
  void add(ExplorerEvent.PeerChoice peer, double at, Reading reading) {
    if (reading.load1m() >= 0) {
      point(load, peer.name(), at, reading.load1m());
    }
    if (reading.memoryFree() >= 0) {
      point(memory, peer.name(), at, reading.memoryFree() / (1024.0 * 1024));
    }
  }

  private static void point(
      ObservableList<XYChart.Series<Number, Number>> chart, String name, double x, double y) {
    XYChart.Series<Number, Number> series =
        chart.stream()
            .filter(s -> s.getName().equals(name))
            .findFirst()
            .orElseGet(
                () -> {
                  XYChart.Series<Number, Number> first =
                      new XYChart.Series<>(name, FXCollections.observableArrayList());
                  chart.add(first);
                  return first;
                });
    series.getData().add(new XYChart.Data<>(x, y));
    if (series.getData().size() > KEPT_POINTS) {
      series.getData().remove(0, series.getData().size() - KEPT_POINTS);
    }
  }

  /** Starts counting the local daemon's events per group, from its last {@link #FIRST_LOOK}. */
  public void follow() {
    if (following.get()) {
      return;
    }
    following.set(true);
    Path path = socket.get();
    eventsStatus.set("Connecting to " + path + " …");
    background.execute(() -> read(path));
  }

  /** Stops following; the bars stay. */
  public void stop() {
    stream.stop();
  }

  private void read(Path path) {
    String said =
        stream.read(
            path,
            control -> {
              long from = EventStream.recent(control, FIRST_LOOK);
              ui.execute(
                  () -> {
                    perGroup.clear();
                    eventsStatus.set("Counting " + path + " from event " + from);
                  });
              return from;
            },
            batch -> ui.execute(() -> count(batch)),
            "Stopped.");
    ui.execute(
        () -> {
          eventsStatus.set(said);
          following.set(false);
        });
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The refusals of a {@code requests.refused} summary per group (docs/EVENTS.md); rows beyond the
   * summary's limit ({@code others}) and rows without a group count under {@link #NO_GROUP}. A
   * summary this version cannot read counts nothing.
   */
  static java.util.Map<String, Long> summedRefusals(DaemonEvent summary) {
    java.util.Map<String, Long> perGroup = new java.util.LinkedHashMap<>();
    try {
      var rows = JSON.readTree(summary.details().getOrDefault("counts", "[]"));
      for (var row : rows) {
        String group = row.path("group").asText("");
        perGroup.merge(
            group.isEmpty() ? NO_GROUP : group,
            Math.max(0, row.path("count").asLong(0)),
            Long::sum);
      }
      var others = JSON.readTree(summary.details().getOrDefault("others", "{}"));
      long more = Math.max(0, others.path("count").asLong(0));
      if (more > 0) {
        perGroup.merge(NO_GROUP, more, Long::sum);
      }
    } catch (java.io.IOException | RuntimeException unreadable) {
      return java.util.Map.of();
    }
    return perGroup;
  }

  /**
   * Counts a batch of events (on the ui executor): admitted executions and refusals of any kind.
   */
  void count(List<DaemonEvent> batch) {
    boolean changed = false;
    for (DaemonEvent e : batch) {
      if (e.kind().equals("requests.refused")) {
        // refusals come as one summary per interval: rows of requester, group, reason and count
        summedRefusals(e)
            .forEach((group, n) -> perGroup.computeIfAbsent(group, g -> new long[2])[1] += n);
        changed = true;
        continue;
      }
      int which =
          switch (e.kind()) {
            case "execution.started" -> 0;
            case "quota.refused", "request.refused" -> 1;
            default -> -1;
          };
      // a request refused by authorisation never reached a group: its bar is named for that
      String group = e.group().isEmpty() ? NO_GROUP : e.group();
      if (which >= 0) {
        perGroup.computeIfAbsent(group, g -> new long[2])[which]++;
        changed = true;
      }
    }
    if (changed) {
      executions
          .getData()
          .setAll(
              perGroup.entrySet().stream()
                  .map(g -> new XYChart.Data<String, Number>(g.getKey(), g.getValue()[0]))
                  .toList());
      refusals
          .getData()
          .setAll(
              perGroup.entrySet().stream()
                  .map(g -> new XYChart.Data<String, Number>(g.getKey(), g.getValue()[1]))
                  .toList());
    }
  }
}
