package org.weverywhere.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;
import org.weverywhere.daemon.endpoint.RequestHandler;
import org.weverywhere.events.EventJournal;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.Intake;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.FanOut;
import org.weverywhere.protocol.Authorizer;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Privilege;
import org.weverywhere.trust.SignatureGroups;

/**
 * The fan-out at scale, simulated in one JVM on loopback: N responders (10, 50, 200), each the real
 * {@link RequestHandler} with its own host key, verifier, intake and HTTP channel, all sharing one
 * daemon's store and executor (so N executions compete for this machine's cores, as they would not
 * on N hosts). The CLI's own {@link FanOut} runs the built-in probe-memory on all of them ({@code
 * run --all}), then {@code --spread} over 90% of them while a tenth drain and refuse, so their
 * places go to the rest. Measured per round: time to the first and to the last result, and results
 * lost (places that got none).
 *
 * <p>Run: {@code ./mvnw -B -o -Pbench -pl shared,server integration-test -DskipTests} (with the
 * other benchmarks), or the class alone with the test classpath; {@code -Drounds=N} (default 5).
 */
public final class FanOutScaleBenchmark {
  private FanOutScaleBenchmark() {}

  private record Responder(DiscoveredPeer peer, LoopbackBulkServer http, Intake intake) {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 5);
    Path dir = ScratchDirectories.create("we-fanout");
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "state.dir = " + dir.resolve("state"),
            "node.name = fanout",
            "network.port = " + freePort(),
            "http.port = " + freePort(),
            "executor.engine = chicory",
            // the simulation's N daemons share this one executor: let all of them run at once
            "host.quota.cores = 256",
            "group.anonymous.quota.cores = 256",
            "executor.queue.max = 1024",
            "host.quota.memory = 64GiB",
            "group.anonymous.quota.memory = 64GiB",
            "group.anonymous.quota.memory.per-execution = 16MiB",
            "group.anonymous.quota.network.rate = 1GiB/s",
            "group.anonymous.quota.network.period-bytes = 1000GiB",
            "host.quota.network.rate = 1GiB/s",
            "host.quota.network.period-bytes = 1000GiB",
            ""));
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    var me = new MessageSigner(Ed25519.generate());
    var verifier = Verifier.of(Clock.systemUTC(), Optional.empty(), 1_000_000);
    var bulk =
        new BulkClient(
            me,
            verifier,
            Clock.systemUTC(),
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            WireLimits.HTTP);
    Message.Execute probe =
        new Message.Execute(
            new Message.LibraryTarget("probe-memory"),
            new Message.Command(List.of("probe-memory"), Map.of(), new byte[0]));
    System.out.printf(
        "fan-out scale: responders on loopback sharing one executor (chicory), %d rounds, %d cores, "
            + "Java %s, at most %d requests in flight%n",
        rounds, Runtime.getRuntime().availableProcessors(), Runtime.version(), 64);
    List<String> rows = new ArrayList<>();
    try (WeldContainer weld = DaemonParts.weld().initialize()) {
      for (int n : new int[] {10, 50, 200}) {
        List<Responder> responders = responders(n, weld);
        try {
          List<DiscoveredPeer> peers = responders.stream().map(Responder::peer).toList();
          rows.add(lane(n, "--all", rounds, peers, n, bulk, probe));
          // a tenth drain: --spread over the other 90% must give their places to those left
          for (int i = 0; i < n; i += 10) {
            responders.get(i).intake().drain(Duration.ZERO);
          }
          rows.add(
              lane(
                  n,
                  "--spread " + (n - n / 10) + ", a tenth draining",
                  rounds,
                  peers,
                  n - n / 10,
                  bulk,
                  probe));
        } finally {
          responders.forEach(r -> r.http().close());
        }
      }
    }
    System.out.println();
    System.out.println(
        "| responders | fan-out | results lost | refused, replaced | first result, median | "
            + "all results, median | all results, max |");
    System.out.println("|---:|---|---:|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
  }

  private static String lane(
      int n,
      String what,
      int rounds,
      List<DiscoveredPeer> peers,
      int wanted,
      BulkClient bulk,
      Message.Execute probe) {
    List<Long> first = new ArrayList<>();
    List<Long> all = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    long lost = 0;
    long refused = 0;
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      long[] firstAt = {0};
      FanOut.Summary<DiscoveredPeer> summary =
          new FanOut<DiscoveredPeer>(64, Duration.ofMinutes(5))
              .run(
                  peers,
                  wanted,
                  peer -> (Message.Result) bulk.request(peer.http(), peer.node(), probe).message(),
                  result -> result.outcome().equals("completed") && result.exit() == 0,
                  attempt -> {
                    if (firstAt[0] == 0 && attempt instanceof FanOut.Answered) {
                      firstAt[0] = System.nanoTime() - start;
                    }
                  });
      first.add(firstAt[0]);
      all.add(System.nanoTime() - start);
      lost += summary.wanted() - summary.succeeded();
      refused += summary.count(FanOut.Refused.class);
      summary.attempts().stream()
          .filter(a -> !(a instanceof FanOut.Answered))
          .findFirst()
          .ifPresent(a -> reasons.add(a.toString()));
    }
    reasons.stream()
        .findFirst()
        .ifPresent(r -> System.out.println(n + " " + what + ", first not answered: " + r));
    return String.format(
        "| %d | %s | %d of %d | %d | %.0f ms | %.0f ms | %.0f ms |",
        n,
        what,
        lost,
        (long) wanted * rounds,
        refused,
        median(first) / 1e6,
        median(all) / 1e6,
        all.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
  }

  /** N real request handlers, each with its own key, intake and HTTP channel on 127.0.0.1. */
  private static List<Responder> responders(int n, WeldContainer weld) throws Exception {
    LibraryStore libraries = weld.select(LibraryStore.class).get();
    Executor executor = weld.select(Executor.class).get();
    EventJournal journal = weld.select(EventJournal.class).get();
    TrafficLedger traffic = weld.select(TrafficLedger.class).get();
    var services = weld.select(org.weverywhere.service.Services.class).get();
    var control = weld.select(org.weverywhere.control.ControlActions.class).get();
    var authorizer =
        new Authorizer(
            SignatureGroups.none(),
            Map.of("anonymous", Set.of(Privilege.EXECUTE, Privilege.OBSERVE)));
    List<Responder> set = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var host = new MessageSigner(Ed25519.generate());
      var hostVerifier = Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 100_000);
      int port = freePort();
      var intake = new Intake();
      var handler =
          new RequestHandler(
              "sim-" + i,
              port,
              () -> authorizer,
              traffic,
              libraries,
              executor,
              journal,
              services,
              8,
              intake,
              control);
      var http =
          LoopbackBulkServer.start(
              new LoopbackBulkServer.Parts() {
                @Override
                public Verifier verifier() {
                  return hostVerifier;
                }

                @Override
                public RequestHandler handler() {
                  return handler;
                }

                @Override
                public MessageSigner signer() {
                  return host;
                }

                @Override
                public org.weverywhere.traffic.TrafficLedger traffic() {
                  return traffic;
                }
              },
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      set.add(
          new Responder(
              new DiscoveredPeer(
                  host.fingerprint(),
                  "sim-" + i,
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
                  port,
                  List.of("probe-memory")),
              http,
              intake));
    }
    return set;
  }

  private static double median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }

  private static int freePort() throws Exception {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
