package org.weverywhere.daemon.bench;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The daemon seen from a client on the same machine, over loopback: time to the first discovery
 * answer, remote {@code execute} of {@code math.add} on a warm cached library over UDP (p50/p99,
 * and throughput from 2 client threads), and a 1 MiB module fetched over the bulk channel. The
 * daemon is its real beans under Weld SE with the JDK's HTTP server standing in for Liberty's.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests}
 */
public final class DaemonBenchmark {
  private DaemonBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path examples =
        Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
    Path dir = ScratchDirectories.create("we-bench");
    Path libraries = Files.createDirectories(dir.resolve("libraries"));
    Files.copy(examples.resolve("math.wasi"), libraries.resolve("math.wasi"));
    // a 1 MiB library: fib (named "fib" by its name section) with a custom section of padding
    Files.write(
        libraries.resolve("big.wasm"),
        withPadding(Files.readAllBytes(examples.resolve("fib.wasi")), 1 << 20));
    int port = freeUdpPort();
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
            "executor.engine = " + System.getProperty("engine", "wasmtime"),
            "group.anonymous.privileges = execute, fetch",
            "group.anonymous.quota.cores = 2",
            "group.anonymous.quota.network.rate = 1GiB/s",
            "group.anonymous.quota.network.period-bytes = 1000GiB",
            "host.quota.network.rate = 1GiB/s",
            "host.quota.network.period-bytes = 1000GiB",
            // -Djournal.dir=/dev/shm/...: the same durable-append code on a device whose flush is
            // cheap
            System.getProperty("journal.dir") == null
                ? ""
                : "events.journal.dir = " + System.getProperty("journal.dir"),
            ""));
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    try (WeldContainer weld = DaemonParts.weld().initialize();
        var http = LoopbackBulkServer.start(weld.select(Endpoints.class).get(), httpPort)) {
      Daemon daemon = weld.select(Daemon.class).get();
      var node = daemon.identity().nodeId();
      MessageSigner me = new MessageSigner(Ed25519.generate());
      System.out.printf(
          "daemon %s on loopback, engine %s, %d cores, Java %s, journal in %s%n",
          node.shortForm(),
          daemon.config().executor().engine(),
          Runtime.getRuntime().availableProcessors(),
          Runtime.version(),
          System.getProperty("journal.dir", dir.resolve("state/events").toString()));

      // discovery: time to the first (only) answer, median of 20 rounds
      var discovery =
          new Discovery(
              me,
              Verifier.of(Clock.systemUTC(), Optional.empty(), 10_000),
              MulticastGroups.DEFAULT.withPort(port),
              List.of(NetworkInterface.getByName("lo")),
              0,
              Clock.systemUTC());
      long[] firstAnswer = new long[20];
      for (int i = 0; i < firstAnswer.length; i++) {
        long start = System.nanoTime();
        long[] at = {0};
        discovery.discover(Duration.ofSeconds(2), 1, a -> at[0] = System.nanoTime());
        firstAnswer[i] = at[0] - start;
      }

      // remote execute of math.add over UDP, warm
      var target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      Message add =
          new Message.Execute(
              new Message.LibraryTarget("math"),
              new Message.Call(
                  "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
      var udp =
          new UdpClient(
              me, Verifier.of(Clock.systemUTC(), Optional.empty(), 1_000_000), Clock.systemUTC());
      for (int i = 0; i < 2000; i++) {
        udp.request(target, node, add, Duration.ofSeconds(2), 3);
      }
      long[] latency = new long[5000];
      for (int i = 0; i < latency.length; i++) {
        long start = System.nanoTime();
        udp.request(target, node, add, Duration.ofSeconds(2), 3);
        latency[i] = System.nanoTime() - start;
      }
      int perThread = 3000;
      ExecutorService pool = Executors.newFixedThreadPool(2);
      long start = System.nanoTime();
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        runs.add(
            pool.submit(
                () -> {
                  var client =
                      new UdpClient(
                          new MessageSigner(Ed25519.generate()),
                          Verifier.of(Clock.systemUTC(), Optional.empty(), 1_000_000),
                          Clock.systemUTC());
                  for (int i = 0; i < perThread; i++) {
                    client.request(target, node, add, Duration.ofSeconds(2), 3);
                  }
                  return null;
                }));
      }
      for (var run : runs) {
        run.get();
      }
      double throughput = 2.0 * perThread / ((System.nanoTime() - start) / 1e9);
      pool.shutdown();

      // a 1 MiB module over the bulk channel
      var bulk =
          new BulkClient(
              me,
              Verifier.of(Clock.systemUTC(), Optional.empty(), 10_000),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              Duration.ofSeconds(60),
              WireLimits.HTTP);
      URI base = URI.create("http://127.0.0.1:" + httpPort);
      for (int i = 0; i < 5; i++) {
        bulk.request(base, node, new Message.Fetch("fib", Optional.empty()));
      }
      long[] fetch = new long[21];
      for (int i = 0; i < fetch.length; i++) {
        long t0 = System.nanoTime();
        var module =
            (Message.ModuleReply)
                bulk.request(base, node, new Message.Fetch("fib", Optional.empty())).message();
        fetch[i] = System.nanoTime() - t0;
        if (module.module().length < (1 << 20)) {
          throw new AssertionError("fetched " + module.module().length + " bytes");
        }
      }

      System.out.println();
      System.out.println("| measure | median | p99 |");
      System.out.println("|---|---:|---:|");
      System.out.printf(
          "| discovery: first answer, 1 daemon, loopback (20 rounds) | %.2f ms | %.2f ms |%n",
          pct(firstAnswer, 50) / 1e6, pct(firstAnswer, 99) / 1e6);
      System.out.printf(
          "| remote execute math.add over UDP, warm (5,000 requests) | %.0f µs | %.0f µs |%n",
          pct(latency, 50) / 1e3, pct(latency, 99) / 1e3);
      System.out.printf(
          "| fetch of a 1 MiB module over HTTP (21 requests) | %.2f ms | %.2f ms |%n",
          pct(fetch, 50) / 1e6, pct(fetch, 99) / 1e6);
      System.out.printf(
          "%nremote execute throughput, 2 client threads: %,.0f requests/s%n", throughput);
    }
  }

  private static double pct(long[] values, int percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }

  private static int freeUdpPort() throws Exception {
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The module with a custom section appended so that it is {@code size} bytes or more. */
  private static byte[] withPadding(byte[] module, int size) {
    int payload = size - module.length;
    byte[] name = "padding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes(module);
    out.write(0);
    writeLeb(out, 1 + name.length + payload);
    writeLeb(out, name.length);
    out.writeBytes(name);
    out.writeBytes(new byte[payload]);
    return out.toByteArray();
  }

  private static void writeLeb(java.io.ByteArrayOutputStream out, long value) {
    do {
      int b = (int) (value & 0x7f);
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }
}
