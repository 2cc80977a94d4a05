package org.weverywhere.daemon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.e2e.DaemonProcess;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageId;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedFuzz;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

/**
 * Issue 13's attack benchmark: a daemon process with the sample configuration's {@code anonymous}
 * group (execute only) and a trusted group; for each vector, one anonymous key floods it at full
 * speed from loopback while a trusted key asks {@code describe} every 20 ms (latency p50/p99,
 * unanswered) and runs {@code math.add} every 200 ms (successes), the daemon's RSS is sampled and
 * its journal's growth per minute measured. The fuzz vector is the long run of the hostile suite's
 * validly signed fuzz.
 *
 * <p>Run: {@code ./mvnw -B -o -Pbench -pl shared,server integration-test -DskipTests} ({@code
 * -Dattack.seconds=N} per vector, 20 by default).
 */
public final class AttackBenchmark {
  private static final KeyPair FRIEND = Ed25519.generate();
  private static TestDaemonConfig config;
  private static Fingerprint node;

  private AttackBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("attack.seconds", 20);
    config =
        TestDaemonConfig.prepare(
            "attack",
            List.of("math.wasi", "fixtures/loop.wasm"),
            "group.friends.privileges = execute, fetch, observe",
            "group.friends.quota.cores = 1");
    TestDaemonConfig.clear();
    Path friends = Files.createDirectories(config.dir().resolve("groups/friends"));
    Files.writeString(
        friends.resolve("friend.pub-key.pem"), KeyPem.publicKeyText(FRIEND.getPublic()));
    Path log = config.dir().resolve("daemon.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process daemon =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                DaemonProcess.class.getName(),
                config.dir().toString(),
                "--http")
            .redirectError(log.toFile())
            .start();
    try {
      var out =
          new BufferedReader(
              new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
      String ready =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .get(60, TimeUnit.SECONDS);
      if (ready == null || !ready.startsWith("READY ")) {
        throw new IllegalStateException(
            "daemon did not start: " + ready + "\n" + Files.readString(log));
      }
      node = Fingerprint.parse(ready.substring("READY ".length()));
      Path journal = config.dir().resolve("state/events");
      System.out.println(
          "| vector (one anonymous key, loopback) | flood sent | trusted describe p50 | p99 | "
              + "unanswered | trusted executions ok | daemon RSS max | journal growth |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
      List<Vector> vectors =
          Arrays.stream(System.getProperty("attack.vectors", "").split(","))
              .filter(v -> !v.isBlank())
              .map(v -> Vector.valueOf(v.strip().toUpperCase()))
              .toList();
      for (Vector vector : vectors.isEmpty() ? List.of(Vector.values()) : vectors) {
        System.out.println(measure(vector, seconds, daemon.pid(), journal));
      }
    } finally {
      daemon.getOutputStream().close();
      if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
    }
  }

  enum Vector {
    NONE,
    EXECUTE_SPIN_UDP,
    DESCRIBE_UDP,
    REFUSED_UDP,
    REFUSED_HTTP,
    UNVERIFIED_BODIES_HTTP,
    SIGNED_FUZZ
  }

  private static InetSocketAddress udp() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), config.udpPort());
  }

  private static String measure(Vector vector, int seconds, long pid, Path journal)
      throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    ExecutorService threads = Executors.newCachedThreadPool();
    List<CompletableFuture<Void>> flood = new ArrayList<>();
    int flooders = vector == Vector.NONE ? 0 : vector == Vector.UNVERIFIED_BODIES_HTTP ? 48 : 4;
    for (int t = 0; t < flooders; t++) {
      flood.add(CompletableFuture.runAsync(() -> flood(vector, running, sent), threads));
    }
    long journalBefore = size(journal);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong unanswered = new AtomicLong();
    AtomicLong executions = new AtomicLong();
    AtomicLong executionsOk = new AtomicLong();
    long rssMax = 0;
    var trusted =
        new UdpClient(
            new MessageSigner(FRIEND),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000),
            Clock.systemUTC());
    var describer =
        CompletableFuture.runAsync(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                try {
                  trusted.request(
                      udp(), node, new Message.Describe(List.of()), Duration.ofSeconds(1), 1);
                  latencies.add(System.nanoTime() - start);
                } catch (RuntimeException lost) {
                  unanswered.incrementAndGet();
                }
                sleep(20);
              }
            },
            threads);
    var executor =
        CompletableFuture.runAsync(
            () -> {
              while (running.get()) {
                executions.incrementAndGet();
                try {
                  var reply =
                      trusted.request(
                          udp(),
                          node,
                          new Message.Execute(
                              new Message.LibraryTarget("math"),
                              new Message.Call(
                                  "add",
                                  List.of(Message.WasmValue.i32(1), Message.WasmValue.i32(2)))),
                          Duration.ofSeconds(2),
                          1);
                  if (reply.message() instanceof Message.Result r
                      && r.outcome().equals("completed")) {
                    executionsOk.incrementAndGet();
                  }
                } catch (RuntimeException lost) {
                  // counted by its absence from the successes
                }
                sleep(200);
              }
            },
            threads);
    long started = System.nanoTime();
    ThreadCpu daemonBefore = ThreadCpu.of(pid);
    ThreadCpu clientBefore = ThreadCpu.of(ProcessHandle.current().pid());
    long dropsBefore = udpDrops(config.udpPort());
    long end = started + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      rssMax = Math.max(rssMax, rss(pid));
      Thread.sleep(500);
    }
    running.set(false);
    double took = (System.nanoTime() - started) / 1e9;
    System.err.printf(
        "%s: load %s; daemon %s; client (flood and trusted) %s; socket buffer drops %d%n",
        vector,
        Files.readString(Path.of("/proc/loadavg")).strip(),
        ThreadCpu.of(pid).since(daemonBefore, took),
        ThreadCpu.of(ProcessHandle.current().pid()).since(clientBefore, took),
        udpDrops(config.udpPort()) - dropsBefore);
    CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    describer.get(10, TimeUnit.SECONDS);
    executor.get(10, TimeUnit.SECONDS);
    threads.shutdownNow();
    long grown = size(journal) - journalBefore;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return String.format(
        "| %s | %,d | %.1f ms | %.1f ms | %d of %d | %d of %d | %,d MiB | %,d KB/min |",
        vector.name().toLowerCase().replace('_', ' '),
        sent.get(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        unanswered.get(),
        unanswered.get() + sorted.size(),
        executionsOk.get(),
        executions.get(),
        rssMax >> 20,
        grown * 60 / seconds / 1000);
  }

  private static void flood(Vector vector, AtomicBoolean running, AtomicLong sent) {
    KeyPair key = Ed25519.generate();
    var signer = new MessageSigner(key);
    try (var socket = new DatagramSocket()) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI bulk = URI.create("http://127.0.0.1:" + config.httpPort() + BulkClient.PATH);
      var fuzz = new SignedFuzz(key, System.nanoTime());
      List<Message> seeds =
          List.of(
              new Message.Discover(),
              new Message.Describe(List.of()),
              new Message.Fetch("math", Optional.empty()),
              new Message.ServiceCall(
                  "kv", "get", List.of(), List.of(MessageId.random()), Optional.empty()),
              new Message.Control("status", Map.of(), Optional.empty()));
      while (running.get()) {
        Header header = Header.fresh(Audience.node(node), Clock.systemUTC().instant());
        switch (vector) {
          case EXECUTE_SPIN_UDP ->
              send(
                  socket,
                  signer.sign(
                      header,
                      new Message.Execute(
                          new Message.LibraryTarget("loop"),
                          new Message.Command(List.of(), Map.of(), new byte[0]))));
          case DESCRIBE_UDP -> send(socket, signer.sign(header, new Message.Describe(List.of())));
          case REFUSED_UDP ->
              send(
                  socket,
                  signer.sign(header, new Message.Control("status", Map.of(), Optional.empty())));
          case REFUSED_HTTP ->
              http.send(
                  HttpRequest.newBuilder(bulk)
                      .header("Content-Type", BulkClient.MEDIA_TYPE)
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              signer.sign(header, new Message.Fetch("math", Optional.empty()))))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          case UNVERIFIED_BODIES_HTTP -> unverified(4 << 20);
          case SIGNED_FUZZ -> {
            byte[] wire = fuzz.next(header, seeds, 1000);
            if (wire.length <= WireLimits.UDP_DATAGRAM_BYTES) {
              send(socket, wire);
            }
            http.send(
                HttpRequest.newBuilder(bulk)
                    .header("Content-Type", BulkClient.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(fuzz.next(header, seeds, 8000)))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
          }
          case NONE -> throw new IllegalStateException();
        }
        sent.incrementAndGet();
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(vector + " flood failed", e);
    }
  }

  /**
   * A body of {@code size} garbage bytes with a bad signature, sent whole, as fast as the daemon
   * reads.
   */
  private static void unverified(int size) throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), config.httpPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + BulkClient.PATH
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                  + BulkClient.MEDIA_TYPE
                  + "\r\nContent-Length: "
                  + size
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      chunk[0] = (byte) 0xd2;
      try {
        for (int sent = 0; sent < size; sent += chunk.length) {
          out.write(chunk);
        }
        out.flush();
        socket.getInputStream().read(); // the status line's first byte: the daemon answered
      } catch (IOException refusedEarly) {
        // a 503 before the body was read closes the connection: what the budget is for
      }
    }
  }

  private static void send(DatagramSocket socket, byte[] wire) throws IOException {
    socket.send(new DatagramPacket(wire, wire.length, udp()));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  private static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  /** Datagrams the kernel dropped at the daemon's UDP port (its receive buffer full). */
  private static long udpDrops(int port) throws IOException {
    String local = String.format(":%04X ", port);
    long drops = 0;
    for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length > 12 && (fields[1] + " ").endsWith(local)) {
        drops += Long.parseLong(fields[fields.length - 1]);
      }
    }
    return drops;
  }

  private static long size(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      long total = 0;
      for (Path f : files.toList()) {
        total += Files.size(f);
      }
      return total;
    }
  }
}
