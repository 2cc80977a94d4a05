package org.weverywhere.daemon.e2e;

import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.AnswerSpread;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;

/**
 * Discovery with three daemons on three hosts: network namespaces {@code we-sc-a/b/c} on a bridge
 * {@code we-sc-br} (subnet 10.57.75.0/24, IPv6 link-local; multicast snooping off), each daemon its
 * real beans in a process of its own ({@link DaemonProcess}) serving its veth with TTL 1, as on a
 * LAN. The client on the bridge sends discover to both groups and times the first and the last of
 * the three answers, over many rounds. The daemons hear each other's announcements, so each spreads
 * its answer over {@code [0, 2 ms × 2]}; the reference in the same run is one daemon alone behind
 * the same bridge, which answers at once.
 *
 * <p>Needs root and iproute2; creates and removes everything it uses (names {@code we-sc-*}). Run:
 * {@code ./mvnw -B -o -Pbench -pl shared,server integration-test -DskipTests}.
 */
public final class ThreeDaemonsDiscoveryBenchmark {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final TestNetwork NETWORK =
      TestNetwork.named("we-sc-", "we-sc-br", "10.57.75", List.of("a", "b", "c"))
          .withoutMulticastSnooping()
          .withoutDuplicateAddressDetection()
          .withIpv6("fd57:75::")
          .withTimeout(Duration.ofSeconds(30));
  private static final int PORT = 41000 + (int) (ProcessHandle.current().pid() % 10000);

  private ThreeDaemonsDiscoveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 100);
    Optional<String> missing = TestNetwork.missing("ip");
    if (missing.isPresent()) {
      System.out.println("three-daemon discovery benchmark skipped: " + missing.get());
      return;
    }
    List<DaemonProcess.Running> daemons = new ArrayList<>();
    Path work = ScratchDirectories.create("we-sc-three");
    try {
      if (!NETWORK.create()) {
        throw new IllegalStateException(
            "this kernel or container refused the namespace setup (see above)");
      }
      var client =
          new Discovery(
              new MessageSigner(Ed25519.generate()),
              Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000),
              MulticastGroups.DEFAULT.withPort(PORT),
              List.of(NetworkInterface.getByName(NETWORK.bridge())),
              1,
              Clock.systemUTC());
      System.out.printf(
          "discovery, 3 daemons in namespaces on a bridge, %d rounds, %d cores, Java %s%n",
          rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
      daemons.add(start("a", work));
      Timings alone = measure(client, 1, rounds);
      daemons.add(start("b", work));
      daemons.add(start("c", work));
      Thread.sleep(
          2_500); // each daemon hears the others' periodic announcements (the spread grows with
      // them)
      Timings three = measure(client, 3, rounds);
      System.out.println();
      System.out.println(
          "| daemons | answers lost | first answer, median / p99 | last answer, median / p99 / max | "
              + "rounds with all within 100 ms |");
      System.out.println("|---:|---:|---:|---:|---:|");
      System.out.println(alone.row(1));
      System.out.println(three.row(3));
      System.out.printf(
          "%nlast answer of 3 vs the lone daemon's answer (median): %.2f×%n",
          three.median(three.last) / alone.median(alone.last));
    } finally {
      removeAll(daemons);
      ScratchDirectories.delete(work);
    }
  }

  /**
   * Time to the first and last of {@code n} answers per round, after warm-up rounds (cold ARP/ND).
   */
  private static Timings measure(Discovery client, int n, int rounds) throws InterruptedException {
    var timings = new Timings();
    for (int r = -10; r < rounds; r++) {
      long start = System.nanoTime();
      long[] at = {0, 0};
      var result =
          client.discover(
              AnswerSpread.CLIENT_WINDOW,
              n,
              a -> {
                long now = System.nanoTime();
                at[0] = at[0] == 0 ? now : at[0];
                at[1] = now;
              });
      if (r >= 0) {
        timings.add(n, result.answers().size(), at[0] - start, at[1] - start);
      }
      Thread.sleep(20);
    }
    return timings;
  }

  private static final class Timings {
    long asked;
    long answered;
    int allWithin100ms;
    final List<Long> first = new ArrayList<>();
    final List<Long> last = new ArrayList<>();

    void add(int n, int answers, long firstNanos, long lastNanos) {
      asked += n;
      answered += answers;
      if (answers > 0) {
        first.add(firstNanos);
        last.add(lastNanos);
      }
      if (answers == n && lastNanos <= 100_000_000L) {
        allWithin100ms++;
      }
    }

    double median(List<Long> values) {
      return pct(values, 50);
    }

    String row(int n) {
      return String.format(
          "| %d | %d of %d | %.2f / %.2f ms | %.2f / %.2f / %.2f ms | %d of %d |",
          n,
          asked - answered,
          asked,
          pct(first, 50) / 1e6,
          pct(first, 99) / 1e6,
          pct(last, 50) / 1e6,
          pct(last, 99) / 1e6,
          pct(last, 100) / 1e6,
          allWithin100ms,
          asked / n);
    }
  }

  private static double pct(List<Long> values, int percent) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }

  private static DaemonProcess.Running start(String host, Path work) throws Exception {
    Path dir = Files.createDirectories(work.resolve(host));
    Path libraries = Files.createDirectories(dir.resolve("libraries"));
    Files.copy(EXAMPLES.resolve("math.wasi"), libraries.resolve("math.wasi"));
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "node.name = sc-" + host,
            "state.dir = " + dir.resolve("state"),
            "libraries.dir = " + libraries,
            "network.interfaces = " + NETWORK.veth(host),
            "network.port = " + PORT,
            "network.ttl = 1",
            // announced every second, so that within 2 s every daemon knows the other two (the
            // spread grows with them)
            "network.announce.interval = 1s",
            "executor.engine = chicory",
            ""));
    return DaemonProcess.Running.start(
        NETWORK.exec(host, DaemonProcess.command(List.of(), dir).toArray(String[]::new)),
        dir.resolve("daemon.log"),
        Duration.ofSeconds(60));
  }

  private static void removeAll(List<DaemonProcess.Running> daemons) throws Exception {
    for (var daemon : daemons) {
      daemon.close();
    }
    NETWORK.close();
  }
}
