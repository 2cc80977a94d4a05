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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.weverywhere.daemon.liberty.LibertyDaemon;
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

/**
 * Issue 13's attack benchmark against the real daemon: this build's WAR on Open Liberty ({@link
 * LibertyDaemon}) with the sample configuration, {@code anonymous} allowed to execute (its default
 * quotas) and a trusted group. For each vector, one anonymous key floods it at full speed from
 * loopback (four threads, 48 for the unverified bodies, {@code -Dattack.unverified.connections})
 * while a trusted key asks {@code describe} every 20 ms (latency p50/p99, unanswered) and runs
 * {@code math.add} every 200 ms (successes); the daemon's RSS is sampled, its journal's growth per
 * minute measured, and where its CPU went (per kind of thread), the client's, the kernel's drops at
 * the UDP socket and the load average are printed to standard error. After a warm-up round with no
 * attack, each vector runs {@code attack.rounds} times (3), interleaved; the table gives the
 * medians. The fuzz vector is the long run of the hostile suite's validly signed fuzz.
 *
 * <p>By default the flood comes from a JVM of its own pinned with {@code taskset} to CPU 0 ({@code
 * -Dattack.cpus.flood}), and the daemon and the trusted client are pinned to the other CPUs ({@code
 * -Dattack.cpus.daemon}), as if the attacker were another machine: on a shared 2-core host the
 * flooding client otherwise takes the trusted key's CPU and the figures measure the client, not the
 * daemon. {@code -Dattack.mode=inprocess} floods from threads of this JVM, unpinned, as before.
 *
 * <p>Run: {@code ./mvnw -B -o -Pbench -pl shared,server integration-test -DskipTests} ({@code
 * -Dattack.seconds=N} per vector and round, 20 by default; {@code
 * -Dattack.vectors=none,describe_udp} to choose; {@code -Dattack.config="key = value;..."} for more
 * configuration lines), or this class's {@code main} on the server's test class path from {@code
 * server/} after {@code package}, with those properties.
 */
public final class AttackBenchmark {
  private static final KeyPair FRIEND = Ed25519.generate();
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static LibertyDaemon daemon;

  private AttackBenchmark() {}

  /** One vector's figures in one round. */
  record Row(
      Vector vector,
      long sent,
      double p50,
      double p99,
      long unanswered,
      long asked,
      double httpP50,
      double httpP99,
      long httpUnanswered,
      long httpAsked,
      long executionsOk,
      long executions,
      long rssMax,
      long journalPerMinute,
      double load) {}

  /**
   * Where the flood runs: {@code process} (the default), a JVM of its own pinned with {@code
   * taskset} to one CPU while the daemon and the trusted client are pinned to the others, as if the
   * attacker were another machine; {@code inprocess}, threads of this JVM, unpinned.
   */
  enum Mode {
    PROCESS,
    INPROCESS
  }

  private static Mode mode;

  /** The CPUs of the flooding process and of the daemon with the trusted client ({@link Mode}). */
  private static String floodCpus;

  private static String daemonCpus;

  /** Connections of the unverified-bodies flood ({@code attack.unverified.connections}). */
  private static int unverifiedConnections;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(FLOOD_COMMAND)) {
      floodProcess(args);
      return;
    }
    mode = Mode.valueOf(property("attack.mode", "process").toUpperCase(Locale.ROOT));
    int cpus = Runtime.getRuntime().availableProcessors();
    floodCpus = property("attack.cpus.flood", "0");
    unverifiedConnections = Integer.parseInt(property("attack.unverified.connections", "48"));
    daemonCpus = property("attack.cpus.daemon", cpus > 1 ? "1-" + (cpus - 1) : "0");
    int seconds = Integer.parseInt(property("attack.seconds", "20"));
    int rounds = Integer.parseInt(property("attack.rounds", "3"));
    List<Vector> chosen =
        Arrays.stream(property("attack.vectors", "").split(","))
            .filter(v -> !v.isBlank())
            .map(v -> Vector.valueOf(v.strip().toUpperCase(java.util.Locale.ROOT)))
            .toList();
    List<Vector> vectors = chosen.isEmpty() ? List.of(Vector.values()) : chosen;
    try (var started =
        LibertyDaemon.builder()
            .name("attack")
            .readyTimeout(Duration.ofMinutes(6))
            .library(EXAMPLES.resolve("math.wasi"))
            .library(EXAMPLES.resolve("fixtures/loop.wasm"))
            .line(
                "group.anonymous.privileges = execute",
                "group.friends.privileges = execute, fetch, observe",
                "group.friends.quota.cores = 1")
            // more configuration lines, ';'-separated, to compare settings under one flood
            .line(
                Arrays.stream(property("attack.config", "").split(";"))
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toArray(String[]::new))
            .groupKey("friends", "friend", FRIEND.getPublic())
            .start()) {
      daemon = started;
      target = new Target(daemon.udpAddress(), daemon.httpPort(), daemon.nodeId());
      if (mode == Mode.PROCESS) {
        // every thread of the daemon and of this JVM (the trusted client) on the daemon's CPUs;
        // threads started later inherit it
        taskset(daemonCpus, daemon.pid());
        taskset(daemonCpus, ProcessHandle.current().pid());
      }
      System.err.println(
          "flood "
              + (mode == Mode.PROCESS
                  ? "from a process of its own on CPU "
                      + floodCpus
                      + ", daemon and trusted client on "
                      + daemonCpus
                  : "from threads of this JVM, unpinned"));
      Path journal = daemon.stateDir().resolve("events");
      // a daemon just started compiles and warms up: the first round at load 35 lost every trusted
      // execution to the first compile of math.wasi and had a 0.5 s describe p50
      System.err.println(
          "warm-up (not counted): " + format(measure(Vector.NONE, seconds, daemon.pid(), journal)));
      Map<Vector, List<Row>> rows = new java.util.EnumMap<>(Vector.class);
      for (int round = 1; round <= rounds; round++) {
        for (Vector vector : vectors) {
          Row row = measure(vector, seconds, daemon.pid(), journal);
          rows.computeIfAbsent(vector, v -> new ArrayList<>()).add(row);
          System.err.println("round " + round + ": " + format(row));
        }
      }
      System.out.printf(
          "Medians of %d rounds of %d s per vector, flood %s; load average (1 min) %.1f to %.1f%n",
          rounds,
          seconds,
          mode == Mode.PROCESS
              ? "from its own process on CPU " + floodCpus + ", daemon on " + daemonCpus
              : "in the client's JVM",
          rows.values().stream().flatMap(List::stream).mapToDouble(Row::load).min().orElse(0),
          rows.values().stream().flatMap(List::stream).mapToDouble(Row::load).max().orElse(0));
      System.out.println(
          "| vector (one anonymous key, loopback) | flood sent | trusted describe UDP p50 | p99 | "
              + "unanswered | trusted describe HTTP p50 | p99 | unanswered | "
              + "trusted executions ok | daemon RSS max | journal growth | load |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (var entry : rows.entrySet()) {
        System.out.println(format(median(entry.getValue())));
      }
    }
  }

  /**
   * A system property, or {@code otherwise} when it is unset or blank: the bench profile passes
   * every {@code attack.*} property, empty when the command line gives none.
   */
  private static String property(String name, String otherwise) {
    String value = System.getProperty(name, "");
    return value.isBlank() ? otherwise : value.strip();
  }

  private static Row median(List<Row> rows) {
    return new Row(
        rows.getFirst().vector(),
        (long) median(rows, r -> r.sent()),
        median(rows, Row::p50),
        median(rows, Row::p99),
        (long) median(rows, r -> r.unanswered()),
        (long) median(rows, r -> r.asked()),
        median(rows, Row::httpP50),
        median(rows, Row::httpP99),
        (long) median(rows, r -> r.httpUnanswered()),
        (long) median(rows, r -> r.httpAsked()),
        (long) median(rows, r -> r.executionsOk()),
        (long) median(rows, r -> r.executions()),
        rows.stream().mapToLong(Row::rssMax).max().orElse(0),
        (long) median(rows, r -> r.journalPerMinute()),
        median(rows, Row::load));
  }

  private static double median(List<Row> rows, java.util.function.ToDoubleFunction<Row> of) {
    double[] values = rows.stream().mapToDouble(of).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static String format(Row row) {
    return String.format(
        "| %s | %,d | %.1f ms | %.1f ms | %d of %d | %.1f ms | %.1f ms | %d of %d | %d of %d | %,d"
            + " MiB | %,d KB/min | %.1f |",
        row.vector().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
        row.sent(),
        row.p50(),
        row.p99(),
        row.unanswered(),
        row.asked(),
        row.httpP50(),
        row.httpP99(),
        row.httpUnanswered(),
        row.httpAsked(),
        row.executionsOk(),
        row.executions(),
        row.rssMax() >> 20,
        row.journalPerMinute(),
        row.load());
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

  /** Where the flood goes: the daemon here, or what the parent told a flooding process. */
  record Target(InetSocketAddress udp, int httpPort, Fingerprint node) {}

  private static Target target;

  private static InetSocketAddress udp() {
    return target.udp();
  }

  private static Row measure(Vector vector, int seconds, long pid, Path journal) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    ExecutorService threads = Executors.newCachedThreadPool();
    List<CompletableFuture<Void>> flood = new ArrayList<>();
    int flooders =
        vector == Vector.NONE
            ? 0
            : vector == Vector.UNVERIFIED_BODIES_HTTP ? unverifiedConnections : 4;
    Flooder process = null;
    if (mode == Mode.PROCESS && flooders > 0) {
      process = Flooder.start(vector, flooders);
    } else {
      for (int t = 0; t < flooders; t++) {
        flood.add(CompletableFuture.runAsync(() -> flood(vector, running, sent), threads));
      }
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
    List<Long> httpLatencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong httpUnanswered = new AtomicLong();
    var trustedHttp =
        new BulkClient(
            new MessageSigner(FRIEND),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000),
            Clock.systemUTC(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            WireLimits.HTTP);
    URI base = URI.create("http://127.0.0.1:" + daemon.httpPort());
    // the same question over HTTP, where it shares Liberty's executor with the HTTP floods
    var httpDescriber =
        CompletableFuture.runAsync(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                try {
                  var reply =
                      trustedHttp.request(base, daemon.nodeId(), new Message.Describe(List.of()));
                  if (reply.message() instanceof Message.Description) {
                    httpLatencies.add(System.nanoTime() - start);
                  } else {
                    httpUnanswered.incrementAndGet();
                  }
                } catch (RuntimeException lost) {
                  httpUnanswered.incrementAndGet();
                }
                sleep(20);
              }
            },
            threads);
    var describer =
        CompletableFuture.runAsync(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                try {
                  trusted.request(
                      udp(),
                      daemon.nodeId(),
                      new Message.Describe(List.of()),
                      Duration.ofSeconds(1),
                      1);
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
                          daemon.nodeId(),
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
                  } else if (executions.get() - executionsOk.get() == 1) {
                    System.err.println("a trusted execution did not complete: " + reply.message());
                  }
                } catch (RuntimeException lost) {
                  // counted by its absence from the successes; the first reason is shown
                  if (executions.get() - executionsOk.get() == 1) {
                    System.err.println("a trusted execution failed: " + lost.getMessage());
                  }
                }
                sleep(200);
              }
            },
            threads);
    long started = System.nanoTime();
    ThreadCpu daemonBefore = ThreadCpu.of(pid);
    ThreadCpu clientBefore = ThreadCpu.of(ProcessHandle.current().pid());
    ThreadCpu flooderBefore = process == null ? null : ThreadCpu.of(process.pid());
    long dropsBefore = udpDrops(daemon.udpPort());
    long end = started + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      rssMax = Math.max(rssMax, rss(pid));
      Thread.sleep(500);
    }
    running.set(false);
    double took = (System.nanoTime() - started) / 1e9;
    double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    System.err.printf(
        "%s: load %s; daemon %s; client (%s) %s;%s socket buffer drops %d%n",
        vector,
        Files.readString(Path.of("/proc/loadavg")).strip(),
        ThreadCpu.of(pid).since(daemonBefore, took),
        process == null ? "flood and trusted" : "trusted",
        ThreadCpu.of(ProcessHandle.current().pid()).since(clientBefore, took),
        process == null
            ? ""
            : " flooding process " + ThreadCpu.of(process.pid()).since(flooderBefore, took) + ";",
        udpDrops(daemon.udpPort()) - dropsBefore);
    if (process != null) {
      sent.set(process.stop());
    }
    CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    describer.get(10, TimeUnit.SECONDS);
    httpDescriber.get(10, TimeUnit.SECONDS);
    executor.get(10, TimeUnit.SECONDS);
    threads.shutdownNow();
    long grown = size(journal) - journalBefore;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    List<Long> httpSorted = new ArrayList<>(httpLatencies);
    Collections.sort(httpSorted);
    return new Row(
        vector,
        sent.get(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        unanswered.get(),
        unanswered.get() + sorted.size(),
        percentile(httpSorted, 0.50),
        percentile(httpSorted, 0.99),
        httpUnanswered.get(),
        httpUnanswered.get() + httpSorted.size(),
        executionsOk.get(),
        executions.get(),
        rssMax,
        grown * 60 / seconds / 1000,
        load);
  }

  static final String FLOOD_COMMAND = "flood";

  /**
   * The flood in a JVM of its own, pinned to {@link #floodCpus}: it floods from the moment it says
   * {@code READY} until its standard input ends (or a bound of 10 minutes), then says {@code SENT
   * n}.
   */
  private record Flooder(Process process, BufferedReader out, Path log) {
    static Flooder start(Vector vector, int threads) throws IOException {
      Path log = Files.createTempFile("we-attack-flood", ".log");
      List<String> command = new ArrayList<>();
      command.addAll(List.of("taskset", "-c", floodCpus));
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(List.of("-cp", System.getProperty("java.class.path")));
      command.add(AttackBenchmark.class.getName());
      command.addAll(
          List.of(
              FLOOD_COMMAND,
              vector.name(),
              Integer.toString(threads),
              Integer.toString(target.udp().getPort()),
              Integer.toString(target.httpPort()),
              target.node().toString()));
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      var out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      var flooder = new Flooder(process, out, log);
      String ready = flooder.line(Duration.ofSeconds(60));
      if (!"READY".equals(ready)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "the flooding process did not start: " + ready + "\n" + Files.readString(log));
      }
      return flooder;
    }

    long pid() {
      return process.pid();
    }

    /** Ends the flood; how many messages it sent. */
    long stop() throws IOException, InterruptedException {
      process.getOutputStream().close();
      String sent = line(Duration.ofSeconds(90));
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log);
      if (sent == null || !sent.startsWith("SENT ")) {
        throw new IllegalStateException("the flooding process ended with " + sent);
      }
      return Long.parseLong(sent.substring("SENT ".length()));
    }

    private String line(Duration within) {
      try {
        return CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    return "(unreadable: " + e.getMessage() + ")";
                  }
                })
            .get(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        process.destroyForcibly();
        return "(no line within " + within.toSeconds() + " s)";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        return "(interrupted)";
      }
    }
  }

  /** {@code flood VECTOR THREADS UDP-PORT HTTP-PORT NODE}: the flooding process's main. */
  private static void floodProcess(String[] args) throws Exception {
    Vector vector = Vector.valueOf(args[1]);
    int threads = Integer.parseInt(args[2]);
    target =
        new Target(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[3])),
            Integer.parseInt(args[4]),
            Fingerprint.parse(args[5]));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<Void>> flood = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      flood.add(CompletableFuture.runAsync(() -> flood(vector, running, sent), pool));
    }
    System.out.println("READY");
    System.out.flush();
    // the parent closes our standard input to stop us; the bound keeps an orphan from running on
    var stdin = CompletableFuture.runAsync(AttackBenchmark::drainStdin);
    try {
      stdin.get(10, TimeUnit.MINUTES);
    } catch (java.util.concurrent.TimeoutException orphaned) {
      System.err.println("no end of the flood within 10 minutes: stopping");
    }
    running.set(false);
    CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    pool.shutdownNow();
    System.out.println("SENT " + sent.get());
    System.out.flush();
  }

  private static void drainStdin() {
    try {
      while (System.in.read() >= 0) {
        // nothing is sent on it: only its end matters
      }
    } catch (IOException closed) {
      // the parent is gone: stop as at the end of input
    }
  }

  /** Pins every thread of {@code pid} to {@code cpus} ({@code taskset -a -p -c}). */
  private static void taskset(String cpus, long pid) throws IOException, InterruptedException {
    Process pin =
        new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    String said = new String(pin.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!pin.waitFor(30, TimeUnit.SECONDS) || pin.exitValue() != 0) {
      throw new IllegalStateException("taskset -a -p -c " + cpus + " " + pid + " failed: " + said);
    }
  }

  /** The flooding key: one anonymous key, whatever the number of threads sending for it. */
  private static final KeyPair FLOODER = Ed25519.generate();

  private static void flood(Vector vector, AtomicBoolean running, AtomicLong sent) {
    KeyPair key = FLOODER;
    var signer = new MessageSigner(key);
    try (var socket = new DatagramSocket()) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI bulk = URI.create("http://127.0.0.1:" + target.httpPort() + BulkClient.PATH);
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
        Header header = Header.fresh(Audience.node(target.node()), Clock.systemUTC().instant());
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
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), target.httpPort())) {
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
