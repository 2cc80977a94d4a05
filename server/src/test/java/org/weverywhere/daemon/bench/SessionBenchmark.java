package org.weverywhere.daemon.bench;

import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.ClientSessions;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Remote {@code execute} of {@code math.add} with and without sessions (PROTOCOL.md §5a), side by
 * side in one run against one daemon: per transport (UDP, HTTP with connection reuse) and mode
 * (every request signed; sealed in a session), the latency of one client in sequence (p50/p99) and
 * the calls/s of several client threads, each with its own key, plus the process's CPU per call
 * (the clients run in the same JVM as the daemon here, so it is both sides' CPU). The modes
 * alternate in rounds so that warm-up and machine load fall on all of them alike.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests} (execution
 * {@code session-benchmark}); {@code -Dbench.rounds=3 -Dbench.requests=2000 -Dbench.threads=4
 * -Dbench.seconds=5}.
 */
public final class SessionBenchmark {
  private SessionBenchmark() {}

  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final int REQUESTS = Integer.getInteger("bench.requests", 2000);
  private static final int THREADS = Integer.getInteger("bench.threads", 4);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 5);

  /** One way of sending: a transport and whether requests go sealed. */
  private record Mode(String transport, boolean sealed) {
    String label() {
      return transport + (sealed ? ", session" : ", signed");
    }
  }

  /** What one mode measured, summed over the rounds. */
  private static final class Figures {
    final List<Long> latencies = new ArrayList<>();
    long calls;
    long nanos;
    long cpuNanos;
  }

  /** A client of one mode: one key, its own sessions when sealed. */
  private interface Client {
    Message add();
  }

  public static void main(String[] args) throws Exception {
    String peer = System.getProperty("bench.peer");
    if (peer != null) {
      // a daemon already running (the real Liberty one): host:udpPort; its HTTP port from announce
      String[] hostPort = peer.split(":");
      var udp =
          new InetSocketAddress(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1]));
      var found =
          new org.weverywhere.net.UnicastProbe(
                  new MessageSigner(Ed25519.generate()),
                  Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
                  Clock.systemUTC())
              .ask(udp, Duration.ofSeconds(60));
      URI base = URI.create("http://" + hostPort[0] + ":" + found.announce().httpPort());
      System.out.printf(
          "daemon %s at %s (%s), %d cores, Java %s; %d rounds of %d sequential requests and %d"
              + " threads for %d s per mode%n",
          found.node().shortForm(),
          udp,
          base,
          Runtime.getRuntime().availableProcessors(),
          Runtime.version(),
          ROUNDS,
          REQUESTS,
          THREADS,
          SECONDS);
      measure(found.node(), udp, base);
      cryptoPerRoundTrip(found.node());
      return;
    }
    Path examples =
        Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
    Path dir = ScratchDirectories.create("we-session-bench");
    Path libraries = Files.createDirectories(dir.resolve("libraries"));
    Files.copy(examples.resolve("math.wasi"), libraries.resolve("math.wasi"));
    int port;
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    int httpPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      httpPort = probe.getLocalPort();
    }
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "state.dir = " + dir.resolve("state"),
            "libraries.dir = " + libraries,
            "node.name = bench",
            "network.port = " + port,
            "http.port = " + httpPort,
            "executor.engine = " + System.getProperty("engine", "chicory"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.cores = 2",
            "group.anonymous.quota.network.rate = 1GiB/s",
            "group.anonymous.quota.network.period-bytes = 1000GiB",
            "host.quota.network.rate = 1GiB/s",
            "host.quota.network.period-bytes = 1000GiB",
            System.getProperty("journal.dir") == null
                ? ""
                : "events.journal.dir = " + System.getProperty("journal.dir"),
            ""));
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    try (WeldContainer weld = DaemonParts.weld().initialize();
        var http = LoopbackBulkServer.start(weld.select(Endpoints.class).get(), httpPort)) {
      Daemon daemon = weld.select(Daemon.class).get();
      Fingerprint node = daemon.identity().nodeId();
      var udp = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      URI base = URI.create("http://127.0.0.1:" + httpPort);
      System.out.printf(
          "daemon %s on loopback (Weld SE, the JDK's HTTP server), engine %s, %d cores, Java %s;"
              + " %d rounds of %d sequential requests and %d threads for %d s per mode%n",
          node.shortForm(),
          daemon.config().executor().engine(),
          Runtime.getRuntime().availableProcessors(),
          Runtime.version(),
          ROUNDS,
          REQUESTS,
          THREADS,
          SECONDS);
      measure(node, udp, base);
      System.out.printf(
          "%nsessions held by the daemon at the end: %d%n",
          weld.select(Endpoints.class).get().sessions().size());
      cryptoPerRoundTrip(node);
    }
  }

  /**
   * The protocol's own CPU per round trip of a warm {@code execute}, on one thread (its CPU time,
   * so other processes' load does not count): sign, verify, sign the reply, verify it; against
   * seal, open, seal the reply, open it in a session (opened once, outside the measure).
   */
  private static void cryptoPerRoundTrip(Fingerprint node) {
    var threads = ManagementFactory.getThreadMXBean();
    var clock = Clock.systemUTC();
    MessageSigner client = new MessageSigner(Ed25519.generate());
    MessageSigner host = new MessageSigner(Ed25519.generate());
    var nodeId = host.fingerprint();
    Verifier atNode = Verifier.of(clock, Optional.of(nodeId), 1 << 20);
    Verifier atClient = Verifier.of(clock, Optional.empty(), 1 << 20);
    Message add =
        new Message.Execute(
            new Message.LibraryTarget("math"),
            new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
    Message result =
        new Message.Result(
            "completed",
            0,
            new byte[0],
            new byte[0],
            List.of(Message.WasmValue.i32(42)),
            1,
            1,
            0,
            List.of());
    // one session, both ends, by a real handshake
    var table =
        new org.weverywhere.daemon.endpoint.SessionTable(
            16, Duration.ofMinutes(10), clock, System::nanoTime);
    var sessions = new ClientSessions(client, clock);
    var offer = sessions.offer();
    byte[] discoverWire =
        client.sign(
            org.weverywhere.protocol.Header.fresh(
                org.weverywhere.protocol.Audience.node(nodeId), clock.instant()),
            offer.discover());
    var discover = atNode.verify(discoverWire, WireLimits.UDP);
    var opened =
        table
            .open(
                discover,
                discoverWire,
                InetAddress.getLoopbackAddress(),
                "anonymous",
                host.publicKey())
            .orElseThrow();
    var announce =
        new Message.Announce("n", 1, List.of(), List.of(), List.of("session"))
            .withSession(new Message.SessionWelcome(opened.session().id(), opened.x25519(), 600));
    byte[] announceWire =
        host.sign(
            org.weverywhere.protocol.Header.replyTo(discover.header(), clock.instant()), announce);
    var clientEnd =
        sessions
            .complete(nodeId, offer, discoverWire, atClient.verify(announceWire, WireLimits.UDP))
            .orElseThrow();
    for (int pass = 0; pass < 2; pass++) { // the first pass warms up the JIT
      int n = pass == 0 ? 5_000 : 20_000;
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        var h =
            org.weverywhere.protocol.Header.fresh(
                org.weverywhere.protocol.Audience.node(nodeId), clock.instant());
        byte[] w = client.sign(h, add);
        var req = atNode.verify(w, WireLimits.UDP);
        byte[] r =
            host.sign(
                org.weverywhere.protocol.Header.replyTo(req.header(), clock.instant()), result);
        atClient.verify(r, WireLimits.UDP);
      }
      long signed = threads.getCurrentThreadCpuTime() - t0;
      t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        var h =
            org.weverywhere.protocol.Header.fresh(
                org.weverywhere.protocol.Audience.node(nodeId), clock.instant());
        byte[] w = clientEnd.seal(h, add);
        var req = atNode.verify(w, w.length, WireLimits.UDP, table);
        byte[] r =
            req.session()
                .orElseThrow()
                .session()
                .seal(
                    org.weverywhere.protocol.Header.replyTo(req.header(), clock.instant()), result);
        atClient.verify(r, r.length, WireLimits.UDP, sessions);
      }
      long sealed = threads.getCurrentThreadCpuTime() - t0;
      if (pass == 1) {
        System.out.printf(
            "%nprotocol CPU per round trip (encode, sign/seal, verify/open, both ends; one thread,"
                + " %,d round trips): signed %.0f µs, session %.0f µs%n",
            n, signed / 1e3 / n, sealed / 1e3 / n);
      }
    }
  }

  /** Every mode, side by side in alternating rounds; prints the table. */
  private static void measure(Fingerprint node, InetSocketAddress udp, URI base) throws Exception {
    // the first execution compiles math: longer than a request's budget on a busy machine
    new UdpClient(
            new MessageSigner(Ed25519.generate()),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC())
        .request(
            udp,
            node,
            new Message.Execute(
                new Message.LibraryTarget("math"),
                new Message.Call(
                    "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40)))),
            Duration.ofSeconds(60));
    List<Mode> modes =
        List.of(
            new Mode("UDP", false),
            new Mode("UDP", true),
            new Mode("HTTP", false),
            new Mode("HTTP", true));
    Map<Mode, Figures> figures = new LinkedHashMap<>();
    modes.forEach(m -> figures.put(m, new Figures()));
    var cpu =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round <= ROUNDS; round++) { // round 0 warms every mode up
      for (Mode mode : modes) {
        Figures f = figures.get(mode);
        Client one = client(mode, node, udp, base);
        for (int i = 0; i < (round == 0 ? 3 * REQUESTS : REQUESTS); i++) {
          long start = System.nanoTime();
          check(one.add());
          if (round > 0) {
            f.latencies.add(System.nanoTime() - start);
          }
        }
        List<Client> clients = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          Client c = client(mode, node, udp, base);
          check(c.add()); // opens its session before the clock starts
          clients.add(c);
        }
        AtomicLong calls = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long end = System.nanoTime() + Duration.ofSeconds(round == 0 ? 1 : SECONDS).toNanos();
        long cpu0 = cpu.getProcessCpuTime();
        long t0 = System.nanoTime();
        List<Future<?>> runs = new ArrayList<>();
        for (Client c : clients) {
          runs.add(
              pool.submit(
                  () -> {
                    while (System.nanoTime() < end) {
                      check(c.add());
                      calls.incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (var run : runs) {
          run.get();
        }
        long elapsed = System.nanoTime() - t0;
        long cpuUsed = cpu.getProcessCpuTime() - cpu0;
        pool.shutdown();
        if (round > 0) {
          f.calls += calls.get();
          f.nanos += elapsed;
          f.cpuNanos += cpuUsed;
        }
      }
    }
    System.out.println();
    System.out.println(
        "| remote execute math.add, loopback | p50 | p99 | calls/s ("
            + THREADS
            + " threads) | CPU per call (client + daemon) |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Mode mode : modes) {
      Figures f = figures.get(mode);
      long[] sorted = f.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "| %s | %.0f µs | %.0f µs | %,.0f | %.0f µs |%n",
          mode.label(),
          pct(sorted, 50) / 1e3,
          pct(sorted, 99) / 1e3,
          f.calls / (f.nanos / 1e9),
          f.cpuNanos / 1e3 / Math.max(1, f.calls));
    }
  }

  private static Client client(Mode mode, Fingerprint node, InetSocketAddress udp, URI base) {
    MessageSigner key = new MessageSigner(Ed25519.generate());
    ClientSessions sessions = mode.sealed() ? new ClientSessions(key, Clock.systemUTC()) : null;
    Verifier verifier = Verifier.of(Clock.systemUTC(), Optional.empty(), 1_000_000);
    Message add =
        new Message.Execute(
            new Message.LibraryTarget("math"),
            new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
    if (mode.transport().equals("UDP")) {
      UdpClient client = new UdpClient(key, verifier, Clock.systemUTC(), sessions);
      return () -> client.request(udp, node, add, Duration.ofSeconds(3)).message();
    }
    BulkClient client =
        new BulkClient(
            key,
            verifier,
            Clock.systemUTC(),
            Duration.ofSeconds(3),
            Duration.ofSeconds(10),
            WireLimits.HTTP);
    if (sessions != null) {
      client.withSessions(sessions);
    }
    return () -> client.request(base, node, add).message();
  }

  private static void check(Message reply) {
    if (!(reply instanceof Message.Result result) || result.values().get(0).bits() != 42) {
      throw new AssertionError("math.add(2, 40) answered " + reply);
    }
  }

  private static double pct(long[] sorted, int percent) {
    return sorted.length == 0
        ? 0
        : sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }
}
