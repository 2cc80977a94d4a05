package org.weverywhere.daemon.endpoint;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.InterfaceSelection;
import org.weverywhere.config.NetworkSettings;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.events.EventJournal;
import org.weverywhere.exec.Executor;
import org.weverywhere.net.AnswerSpread;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.protocol.Authorizer;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.SignatureGroups;

/**
 * Answer loss on a crowded LAN, simulated on loopback: N responders (10, 50, 200), each the real
 * {@link UdpEndpoint} with its own host key, verifier and {@link RequestHandler}, all in this JVM,
 * answer a discover from the real {@link Discovery} client. Two sets run side by side on two ports:
 * one spreads its answers ({@link AnswerSpread#DEFAULT}, having heard the others announce), the
 * reference answers at once ({@link AnswerSpread#NONE}); rounds alternate between them. Measured
 * per round: answers missing after the client's window, time to the first and to the last answer.
 *
 * <p>How several daemons share one group port in one JVM: each endpoint is configured with {@code
 * network.interfaces = lo} (a named interface), the production path in which group members bind the
 * port with address reuse so that every daemon on a host hears the group. The loopback default
 * ({@code interfaces} unset) keeps its guard: it binds 127.0.0.1 exclusively and a second daemon on
 * that port still fails to start. Nothing leaves loopback (TTL 0, lo only).
 *
 * <p>Run: {@code ./mvnw -B -o -Pbench -pl shared,server integration-test -DskipTests} (with the
 * other benchmarks), or the class alone with the test classpath; {@code -Drounds=N} (default 10).
 */
public final class DiscoveryScaleBenchmark {
  private DiscoveryScaleBenchmark() {}

  /** Shared parts: a whole daemon's store, executor, journal and traffic ledger under Weld SE. */
  private record Parts(
      LibraryStore libraries,
      Executor executor,
      EventJournal journal,
      TrafficLedger traffic,
      org.weverywhere.service.Services services,
      org.weverywhere.host.Intake intake,
      org.weverywhere.control.ControlActions control) {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 10);
    Path dir = ScratchDirectories.create("we-scale");
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "state.dir = " + dir.resolve("state"),
            "node.name = scale",
            "network.port = " + freeUdpPort(),
            "http.port = " + freeUdpPort(),
            "executor.engine = chicory",
            "group.anonymous.quota.network.rate = 1GiB/s",
            "group.anonymous.quota.network.period-bytes = 1000GiB",
            "host.quota.network.rate = 1GiB/s",
            "host.quota.network.period-bytes = 1000GiB",
            ""));
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    NetworkInterface lo = NetworkInterface.getByName("lo");
    var me = new MessageSigner(Ed25519.generate());
    var verifier = Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000);
    System.out.printf(
        "discovery scale: responders on loopback, %d rounds per lane, %d cores, Java %s, "
            + "client window %d ms, spread %s per known peer up to %s%n",
        rounds,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        AnswerSpread.CLIENT_WINDOW.toMillis(),
        AnswerSpread.DEFAULT.perPeer(),
        AnswerSpread.DEFAULT.max());
    List<String> rows = new ArrayList<>();
    try (WeldContainer weld = DaemonParts.weld().initialize()) {
      var parts =
          new Parts(
              weld.select(LibraryStore.class).get(),
              weld.select(Executor.class).get(),
              weld.select(EventJournal.class).get(),
              weld.select(TrafficLedger.class).get(),
              weld.select(org.weverywhere.service.Services.class).get(),
              weld.select(org.weverywhere.host.Intake.class).get(),
              weld.select(org.weverywhere.control.ControlActions.class).get());
      for (int n : new int[] {10, 50, 200}) {
        Responders spread = responders(n, freeUdpPort(), AnswerSpread.DEFAULT, parts);
        Responders burst = responders(n, freeUdpPort(), AnswerSpread.NONE, parts);
        try {
          int known = teach(spread.endpoints());
          Lane on = new Lane();
          Lane off = new Lane();
          var toBurst =
              new Discovery(
                  me,
                  verifier,
                  MulticastGroups.DEFAULT.withPort(burst.port()),
                  List.of(lo),
                  0,
                  Clock.systemUTC());
          var toSpread =
              new Discovery(
                  me,
                  verifier,
                  MulticastGroups.DEFAULT.withPort(spread.port()),
                  List.of(lo),
                  0,
                  Clock.systemUTC());
          for (int r = 0; r < rounds; r++) {
            off.round(toBurst, n);
            on.round(toSpread, n);
          }
          rows.add(off.row(n, "off (reference)", 0, dropped(burst.endpoints())));
          rows.add(on.row(n, "on", known, dropped(spread.endpoints())));
        } finally {
          spread.close();
          burst.close();
        }
      }
    }
    System.out.println();
    System.out.println(
        "| responders | spread | known peers (min) | answers lost | first answer, median | "
            + "last answer, median | last answer, max | responder drops |");
    System.out.println("|---:|---|---:|---:|---:|---:|---:|---|");
    rows.forEach(System.out::println);
  }

  /** One set of responders sharing a group port. */
  private record Responders(List<UdpEndpoint> endpoints, int port) {
    void close() {
      endpoints.forEach(UdpEndpoint::close);
    }
  }

  /** N real endpoints sharing {@code port} on lo, each with its own key, verifier and handler. */
  private static Responders responders(int n, int port, AnswerSpread spread, Parts parts) {
    var settings =
        new NetworkSettings(
            new InterfaceSelection.Named(List.of("lo")),
            true,
            MulticastGroups.DEFAULT.ipv4(),
            false,
            MulticastGroups.DEFAULT.ipv6(),
            port,
            0,
            Duration.ofSeconds(30),
            List.of());
    List<UdpEndpoint> set = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var host = new MessageSigner(Ed25519.generate());
      var authorizer = new Authorizer(SignatureGroups.none(), Map.of("anonymous", Set.of()));
      var handler =
          new RequestHandler(
              "sim-" + i,
              1,
              () -> authorizer,
              parts.traffic(),
              parts.libraries(),
              parts.executor(),
              parts.journal(),
              parts.services(),
              8,
              parts.intake(),
              parts.control());
      set.add(
          UdpEndpoint.open(
              settings,
              host,
              Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 10_000),
              handler,
              new SourceLimiter(2_000, 4_000, 65_536, System::nanoTime),
              Clock.systemUTC(),
              spread));
    }
    return new Responders(List.copyOf(set), port);
  }

  /**
   * Has every responder announce until each has heard all the others (their start-up announces only
   * reached those started before them), as periodic announcements do on a real LAN. Returns the
   * fewest peers any responder knows.
   */
  private static int teach(List<UdpEndpoint> set) throws InterruptedException {
    int n = set.size();
    for (int round = 0; round < 20; round++) {
      if (set.stream().allMatch(e -> e.knownPeers() >= n - 1)) {
        break;
      }
      for (UdpEndpoint e : set) {
        e.announce(new org.weverywhere.protocol.Message.Announce("sim", 1, List.of(), List.of()));
        Thread.sleep(2); // n×n verifications: let the receivers keep up rather than overflow
      }
      for (int wait = 0;
          wait < 50 && !set.stream().allMatch(e -> e.knownPeers() >= n - 1);
          wait++) {
        Thread.sleep(100);
      }
    }
    return set.stream().mapToInt(UdpEndpoint::knownPeers).min().orElse(0);
  }

  private static String dropped(List<UdpEndpoint> set) {
    Map<String, Long> total = new TreeMap<>();
    set.forEach(e -> e.dropped().forEach((reason, count) -> total.merge(reason, count, Long::sum)));
    return total.isEmpty() ? "none" : total.toString();
  }

  /** One lane's rounds: answers counted, first and last answer times. */
  private static final class Lane {
    private long asked;
    private long answered;
    private final List<Long> first = new ArrayList<>();
    private final List<Long> last = new ArrayList<>();

    void round(Discovery discovery, int n) throws InterruptedException {
      long start = System.nanoTime();
      long[] at = {0, 0};
      var result =
          discovery.discover(
              AnswerSpread.CLIENT_WINDOW,
              n,
              a -> {
                long now = System.nanoTime();
                if (at[0] == 0) {
                  at[0] = now;
                }
                at[1] = now;
              });
      asked += n;
      answered += result.answers().size();
      if (!result.answers().isEmpty()) {
        first.add(at[0] - start);
        last.add(at[1] - start);
      }
      Thread.sleep(
          300); // let every responder finish the round (and its socket drain) before the next
    }

    String row(int n, String spread, int known, String drops) {
      double lost = asked == 0 ? 0 : 100.0 * (asked - answered) / asked;
      return String.format(
          "| %d | %s | %d | %.2f %% (%d of %d) | %.1f ms | %.1f ms | %.1f ms | %s |",
          n,
          spread,
          known,
          lost,
          asked - answered,
          asked,
          median(first) / 1e6,
          median(last) / 1e6,
          max(last) / 1e6,
          drops);
    }
  }

  private static double median(List<Long> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static double max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private static int freeUdpPort() throws Exception {
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
