package org.weverywhere.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.cli.Main;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;
import org.weverywhere.daemon.liberty.LibertyDaemon;

/**
 * The request path of the real daemon on Open Liberty, measured with the project's own load
 * generator ({@code weverywhere bench}, run in this JVM): remote {@code execute} of {@code
 * math.add} over UDP and over HTTP (connections reused), one request in flight (latency), 16 and,
 * over UDP, 64 (throughput), for both engines, optionally beside another build's daemon row by row
 * ({@code -Dbench.baseline}); then the same against the daemon's beans under Weld SE in this JVM
 * (the JDK's HTTP server standing in for Liberty) as a breakdown; then a CPU profile of the Liberty
 * daemon (JFR execution samples during the 64-in-flight UDP run) by stage of the request path and
 * by thread.
 *
 * <p>Run: {@code ./mvnw -B -o -Pbench -pl shared,server integration-test -DskipTests} (after a
 * package: it needs {@code server/target/liberty}), or the class alone on the test class path with
 * {@code -Dweverywhere.liberty.dir=server/target/liberty/wlp}. {@code -Dbench.seconds=N} per run
 * (default 10), {@code -Dbench.warmup=N} (default 5), {@code -Dbench.engines=chicory}, {@code
 * -Dbench.transports=udp}, {@code -Dbench.profile=false}.
 */
public final class LibertyDaemonBenchmark {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 5);

  /**
   * Seconds of load each daemon gets once before any row (every row's mode and transport in turn),
   * so that the rows measure the JIT-compiled request path rather than its compilation: a daemon
   * fresh from its start spent 2–8 ms of CPU per call in 15 s of traffic, against ≈ 0.5 ms warm.
   */
  private static final int JIT_WARMUP = Integer.getInteger("bench.jit-warmup", 40);

  /**
   * Only what the HTTP path's study needs (issue 16): the Chicory daemon, the rows in sessions, the
   * floors ({@link HttpFloor}) and both transports' timelines, no CPU profile.
   */
  private static final boolean HTTP_ONLY = Boolean.getBoolean("bench.http-only");

  /** Whether the Weld SE breakdown runs too (it takes as long again). */
  private static final boolean WELD =
      Boolean.parseBoolean(System.getProperty("bench.weld", "true"));

  /** What the daemons are configured with: enough quota that the load, not a quota, is measured. */
  static final List<String> LINES =
      List.of(
          "group.anonymous.privileges = execute",
          "group.anonymous.quota.cores = 2",
          "group.anonymous.quota.network.rate = 1GiB/s",
          "group.anonymous.quota.network.period-bytes = 1000GiB",
          "host.quota.network.rate = 1GiB/s",
          "host.quota.network.period-bytes = 1000GiB",
          // 64 in flight from one group: its executions may all wait for the 2 cores at once (the
          // queue's default 64 gives one group three quarters, and refuses the rest as a quota)
          "executor.queue.max = 256",
          "network.source-rate = 100000",
          // every signed request is a fresh key in no group: at 2,000 a second their ids outgrow
          // the default 65,536 of the strangers' replay cache within its ±30 s window, and the
          // rows then measure WE5012 refusals (seen at 16 and 64 in flight)
          "protocol.replay-cache.size = 262144");

  /** One measured run: transport, requests in flight, and whether they are sealed in a session. */
  record Row(String transport, int inFlight, boolean sessions) {
    String label() {
      return transport + (sessions ? " session" : " signed");
    }
  }

  /** Each signed row right before its sealed twin, so both meet the same minute of the machine. */
  private static final List<Row> ALL_ROWS =
      List.of(
          new Row("udp", 1, false),
          new Row("udp", 1, true),
          new Row("http", 1, false),
          new Row("http", 1, true),
          new Row("udp", 16, false),
          new Row("udp", 16, true),
          new Row("http", 16, false),
          new Row("http", 16, true),
          new Row("udp", 64, false),
          new Row("udp", 64, true));

  /** The transports measured ({@code -Dbench.transports=udp} leaves HTTP out). */
  private static final List<String> TRANSPORTS =
      List.of(System.getProperty("bench.transports", "udp,http").split(","));

  private static final List<Row> ROWS =
      ALL_ROWS.stream()
          .filter(row -> TRANSPORTS.contains(row.transport()))
          .filter(row -> !HTTP_ONLY || row.sessions())
          .toList();

  /** The engines measured ({@code -Dbench.engines=chicory}). */
  private static final List<Engine> ENGINES =
      java.util.Arrays.stream(
              System.getProperty("bench.engines", HTTP_ONLY ? "chicory" : "chicory,wasmtime")
                  .split(","))
          .map(name -> Engine.valueOf(name.strip().toUpperCase(java.util.Locale.ROOT)))
          .toList();

  /**
   * Another Liberty installation to measure beside this build's, row by row in the same run (a
   * {@code wlp} laid out from an earlier commit): {@code -Dbench.baseline=PATH}, named by {@code
   * -Dbench.baseline.name} (default "before").
   */
  private static final String BASELINE = System.getProperty("bench.baseline");

  private static final String BASELINE_NAME = System.getProperty("bench.baseline.name", "before");

  /** Whether the Chicory daemon's timelines and CPU profile are recorded after the rows. */
  private static final boolean PROFILE =
      Boolean.parseBoolean(System.getProperty("bench.profile", "true"));

  private LibertyDaemonBenchmark() {}

  /** The HTTP path's study: both transports' timelines at 1 in flight, then the floors. */
  static void httpPath(LibertyDaemon daemon, String peer) throws Exception {
    System.out.println(floors(daemon));
    System.out.println(timeline(daemon, peer, new Row("http", 1, true)));
    System.out.println(timeline(daemon, peer, new Row("udp", 1, true)));
    System.out.println(timeline(daemon, peer, new Row("http", 1, false)));
    System.out.println(timeline(daemon, peer, new Row("http", 16, true)));
    System.out.println(timeline(daemon, peer, new Row("udp", 16, true)));
  }

  /** What a round trip costs that does no WEverywhere work ({@link HttpFloor}), as a table. */
  static String floors(LibertyDaemon daemon) throws Exception {
    HttpFloor floor = new HttpFloor();
    var figures = new LinkedHashMap<String, HttpFloor.Figure>();
    figures.putAll(floor.against(daemon.httpBase(), SECONDS / 2.0));
    figures.putAll(floor.againstJdkServer(SECONDS / 2.0));
    StringBuilder text =
        new StringBuilder(
            "Floors: one request at a time, kept-alive connection\n\n| request | p50 / p99 |\n|---|---:|\n");
    figures.forEach((what, figure) -> text.append("| " + what + " | " + figure + " |\n"));
    return text.toString();
  }

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "Liberty daemon request path, %d cores, load %s, Java %s, %d s per run after %d s warm-up%n",
        Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).strip(),
        Runtime.version(),
        SECONDS,
        WARMUP);
    Map<String, Map<Row, JsonNode>> results = new LinkedHashMap<>();
    StringBuilder profiles = new StringBuilder();
    for (Engine engine : ENGINES) {
      // this build's daemon, and the baseline's beside it: both warm, each row on one then the
      // other
      Map<String, Path> installations = new LinkedHashMap<>();
      if (BASELINE != null) {
        installations.put("Liberty " + BASELINE_NAME, Path.of(BASELINE));
      }
      installations.put(
          "Liberty", Path.of(System.getProperty(LibertyDaemon.WLP_PROPERTY, "target/liberty/wlp")));
      Map<String, LibertyDaemon> daemons = new LinkedHashMap<>();
      try {
        for (var installation : installations.entrySet()) {
          // a shared two-core machine under load can take minutes to start Liberty
          var builder =
              LibertyDaemon.builder()
                  .name(
                      "bench-"
                          + installation
                              .getKey()
                              .toLowerCase(java.util.Locale.ROOT)
                              .replace(' ', '-')
                          + "-"
                          + engine.configName())
                  .engine(engine)
                  .wlp(installation.getValue())
                  .readyTimeout(java.time.Duration.ofMinutes(10));
          builder.library(EXAMPLES.resolve("math.wasi"));
          LINES.forEach(builder::line);
          try {
            daemons.put(installation.getKey(), builder.start());
          } catch (LibertyDaemon.StartFailure failed) {
            System.out.println(
                installation.getKey() + ", " + engine.configName() + ": did not start: " + failed);
          }
        }
        for (var entry : daemons.entrySet()) {
          LibertyDaemon daemon = entry.getValue();
          String peer = "127.0.0.1:" + daemon.udpPort();
          long warmStart = System.nanoTime();
          for (Row row : ROWS) { // the JIT's turn: every path the rows take, before any is measured
            bench(peer, daemon.udpPort(), row, 0, Math.max(1, JIT_WARMUP / ROWS.size()));
          }
          System.out.printf(
              "%s, %s: JIT warm-up %.0f s, daemon CPU so far %.1f s%n",
              entry.getKey(),
              engine.configName(),
              (System.nanoTime() - warmStart) / 1e9,
              cpuNanos(daemon.pid()) / 1e9);
        }
        for (Row row : ROWS) {
          for (var entry : daemons.entrySet()) {
            LibertyDaemon daemon = entry.getValue();
            String peer = "127.0.0.1:" + daemon.udpPort();
            bench(peer, daemon.udpPort(), row, 0, WARMUP); // warm-up, apart: CPU is counted below
            long daemonCpu = cpuNanos(daemon.pid());
            long clientCpu = ownCpuNanos();
            JsonNode result = bench(peer, daemon.udpPort(), row, 0, SECONDS);
            ((com.fasterxml.jackson.databind.node.ObjectNode) result)
                .put("daemon_cpu_ms", (cpuNanos(daemon.pid()) - daemonCpu) / 1e6)
                .put("client_cpu_ms", (ownCpuNanos() - clientCpu) / 1e6)
                .put("load", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            String name = entry.getKey() + ", " + engine.configName();
            results.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(row, result);
            System.out.println(line(name, row, result));
          }
        }
        LibertyDaemon daemon = daemons.get("Liberty");
        if (HTTP_ONLY && daemon != null) {
          httpPath(daemon, "127.0.0.1:" + daemon.udpPort());
        } else if (PROFILE && engine == Engine.CHICORY && daemon != null) {
          String peer = "127.0.0.1:" + daemon.udpPort();
          profiles
              .append(timeline(daemon, peer, new Row("http", 1, true)))
              .append("\n")
              .append(floors(daemon))
              .append("\n")
              .append(timeline(daemon, peer, new Row("udp", 1, true)))
              .append("\n")
              .append(timeline(daemon, peer, new Row("udp", 16, true)))
              .append("\n")
              .append(timeline(daemon, peer, new Row("udp", 64, true)))
              .append("\n")
              .append(profile(daemon, peer));
        }
      } finally {
        for (LibertyDaemon daemon : daemons.values()) {
          daemon.close();
        }
      }
    }
    if (WELD && !HTTP_ONLY) {
      for (Engine engine : ENGINES) {
        results.put("Weld SE, " + engine.configName(), weld(engine));
      }
    }
    System.out.println();
    System.out.println(
        "| daemon | requests | in flight | calls/s | p50 / p99 | daemon CPU per call | client CPU per call | load (1 min) | unanswered or refused |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Row row : ROWS) {
      results.forEach(
          (daemon, rows) -> {
            JsonNode r = rows.get(row);
            if (r == null) {
              return;
            }
            long calls = Math.max(1, r.get("ok").asLong());
            System.out.printf(
                "| %s | %s | %d | %,.0f | %.2f / %.2f ms | %s | %s | %s | %d |%n",
                daemon,
                row.label(),
                row.inFlight(),
                r.get("calls_per_second").asDouble(),
                ms(r, "p50"),
                ms(r, "p99"),
                r.has("daemon_cpu_ms")
                    ? String.format("%.3f ms", r.get("daemon_cpu_ms").asDouble() / calls)
                    : "–",
                r.has("client_cpu_ms")
                    ? String.format("%.3f ms", r.get("client_cpu_ms").asDouble() / calls)
                    : "–",
                r.path("load").asText("–"),
                sum(r.get("errors")) + sum(r.get("refused")));
          });
    }
    if (!profiles.isEmpty()) {
      System.out.println();
      System.out.println(profiles);
    }
    System.exit(0); // the CLI's HTTP client and Weld leave non-daemon threads behind
  }

  /** One {@code weverywhere bench --json} run in this JVM, as a user would type it. */
  static JsonNode bench(String peer, int udpPort, Row row, int warmup, int seconds)
      throws IOException {
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> words =
        new ArrayList<>(
            List.of(
                "bench",
                "--peer",
                peer,
                "--port",
                Integer.toString(udpPort),
                "--transport",
                row.transport(),
                "-c",
                Integer.toString(row.inFlight()),
                "--warmup",
                warmup + "s",
                "-d",
                seconds + "s",
                "--json"));
    if (row.sessions()) {
      words.add("--sessions");
    }
    int status = cli.execute(words.toArray(String[]::new));
    if (out.toString().isBlank()) {
      throw new IllegalStateException("bench exited " + status + ": " + err);
    }
    JsonNode result = new ObjectMapper().readTree(out.toString());
    if (result.has("first_errors") && !result.get("first_errors").isEmpty()) {
      System.out.println("  failures: " + result.get("first_errors"));
    }
    return result;
  }

  private static String line(String daemon, Row row, JsonNode r) {
    long calls = Math.max(1, r.get("ok").asLong());
    String cpu =
        r.has("daemon_cpu_ms")
            ? String.format(
                "  CPU per call: daemon %.3f ms, client %.3f ms",
                r.get("daemon_cpu_ms").asDouble() / calls,
                r.get("client_cpu_ms").asDouble() / calls)
            : "";
    return String.format(
        "%-20s %-12s %2d in flight: %,8.0f calls/s  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms  refused %s  errors %s%s",
        daemon,
        row.label(),
        row.inFlight(),
        r.get("calls_per_second").asDouble(),
        ms(r, "p50"),
        ms(r, "p90"),
        ms(r, "p99"),
        ms(r, "max"),
        r.get("refused"),
        r.get("errors"),
        cpu);
  }

  /** User plus system CPU time of process {@code pid} so far (Linux /proc), in nanoseconds. */
  static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /** This JVM's CPU time so far: the load generator's own cost. */
  static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double ms(JsonNode r, String which) {
    return r.path("latency_ms").path(which).asDouble(Double.NaN);
  }

  private static long sum(JsonNode counts) {
    long n = 0;
    for (JsonNode v : counts) {
      n += v.asLong();
    }
    return n;
  }

  /** The same rows against the daemon's beans under Weld SE in this JVM. */
  private static Map<Row, JsonNode> weld(Engine engine) throws IOException {
    Path dir = ScratchDirectories.create("we-bench-weld");
    Path libraries = Files.createDirectories(dir.resolve("libraries"));
    Files.copy(EXAMPLES.resolve("math.wasi"), libraries.resolve("math.wasi"));
    int udpPort;
    int httpPort;
    try (var udp = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
        ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      udpPort = udp.getLocalPort();
      httpPort = tcp.getLocalPort();
    }
    List<String> config = new ArrayList<>(LINES);
    config.addAll(
        List.of(
            "state.dir = " + dir.resolve("state"),
            "libraries.dir = " + libraries,
            "libraries.builtin = false",
            "node.name = bench-weld",
            "network.port = " + udpPort,
            "http.port = " + httpPort,
            "executor.engine = " + engine.configName()));
    Files.writeString(dir.resolve("weverywhere.conf"), String.join("\n", config) + "\n");
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    Map<Row, JsonNode> rows = new LinkedHashMap<>();
    try (WeldContainer weld = DaemonParts.weld().initialize();
        var http = LoopbackBulkServer.start(weld.select(Endpoints.class).get(), httpPort)) {
      for (Row row : ROWS) {
        rows.put(row, bench("127.0.0.1:" + udpPort, udpPort, row, WARMUP, SECONDS));
        System.out.println(line("Weld SE, " + engine.configName(), row, rows.get(row)));
      }
    } finally {
      System.clearProperty(ConfigLoader.CONFIG_DIR_PROPERTY);
    }
    return rows;
  }

  /**
   * Where the Liberty daemon's CPU goes under load: a JFR recording (execution samples every 10 ms
   * of each running thread, the JDK's "profile" settings) over one 64-in-flight UDP run, each
   * sample put in the first stage of the request path its stack is in, and by thread.
   */
  static String profile(LibertyDaemon daemon, String peer) throws Exception {
    Path jfr = Files.createTempFile("we-bench", ".jfr");
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String pid = Long.toString(daemon.pid());
    run(jcmd, pid, "JFR.start", "name=bench", "settings=profile");
    Map<String, Integer> byMethod = new TreeMap<>();
    JsonNode during = bench(peer, daemon.udpPort(), new Row("udp", 64, true), 1, SECONDS);
    run(jcmd, pid, "JFR.dump", "name=bench", "filename=" + jfr);
    run(jcmd, pid, "JFR.stop", "name=bench");
    String printed =
        run(
            Path.of(System.getProperty("java.home"), "bin", "jfr").toString(),
            "print",
            "--events",
            "jdk.ExecutionSample",
            "--stack-depth",
            "96",
            jfr.toString());
    Files.deleteIfExists(jfr);
    Map<String, Integer> byStage = new TreeMap<>();
    Map<String, Integer> byThread = new TreeMap<>();
    int samples = 0;
    for (String event : printed.split("jdk.ExecutionSample \\{")) {
      if (!event.contains("stackTrace")) {
        continue;
      }
      samples++;
      byStage.merge(stage(event), 1, Integer::sum);
      java.util.regex.Matcher top =
          java.util.regex.Pattern.compile("stackTrace = \\[\\s*([^\\s(]+)").matcher(event);
      byMethod.merge(top.find() ? top.group(1) : "?", 1, Integer::sum);
      java.util.regex.Matcher thread =
          java.util.regex.Pattern.compile("sampledThread = \"([^\"]*)\"").matcher(event);
      byThread.merge(
          thread.find() ? thread.group(1).replaceAll("[0-9]+", "N") : "?", 1, Integer::sum);
    }
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "Profile of the Liberty daemon (Chicory) over UDP, 64 in flight, in sessions: %,.0f calls/s, %d execution samples%n%n",
            during.get("calls_per_second").asDouble(), samples));
    text.append("| stage of the request path (CPU samples) | share |\n|---|---:|\n");
    int total = Math.max(1, samples);
    byStage.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(
            e ->
                text.append(
                    String.format("| %s | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / total)));
    text.append("\n| hottest methods (top frame of CPU samples) | share |\n|---|---:|\n");
    byMethod.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(15)
        .forEach(
            e ->
                text.append(
                    String.format(
                        "| `%s` | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / total)));
    text.append("\n| thread (CPU samples) | share |\n|---|---:|\n");
    byThread.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(12)
        .forEach(
            e ->
                text.append(
                    String.format("| %s | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / total)));
    return text.toString();
  }

  /** Stages of the daemon's UDP request path, as {@code org.weverywhere.UdpRequest} names them. */
  private static final List<String> STAGES =
      List.of("queued", "verify", "handOff", "handle", "sign", "journalWait", "send", "total");

  /** Stages of the HTTP bulk channel's path, as {@code org.weverywhere.HttpRequest} names them. */
  private static final List<String> HTTP_STAGES =
      List.of("read", "verify", "handle", "sign", "journalWait", "write", "total");

  /**
   * Where the wall time of each UDP request goes inside the Liberty daemon, waits between threads
   * included: the daemon's own timeline events ({@code org.weverywhere.UdpRequest}) over one run of
   * {@code row}, each stage's median and mean.
   */
  static String timeline(LibertyDaemon daemon, String peer, Row row) throws Exception {
    boolean http = row.transport().equals("http");
    String eventName = http ? "org.weverywhere.HttpRequest" : "org.weverywhere.UdpRequest";
    List<String> stages = http ? HTTP_STAGES : STAGES;
    Path jfr = Files.createTempFile("we-timeline", ".jfr");
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String pid = Long.toString(daemon.pid());
    run(
        jcmd,
        pid,
        "JFR.start",
        "name=timeline",
        "settings=none",
        "+" + eventName + "#enabled=true");
    JsonNode during = bench(peer, daemon.udpPort(), row, 1, SECONDS);
    run(jcmd, pid, "JFR.dump", "name=timeline", "filename=" + jfr);
    run(jcmd, pid, "JFR.stop", "name=timeline");
    String printed =
        run(
            Path.of(System.getProperty("java.home"), "bin", "jfr").toString(),
            "print",
            "--json",
            "--events",
            eventName,
            jfr.toString());
    Files.deleteIfExists(jfr);
    Map<String, List<Long>> spans = new LinkedHashMap<>();
    stages.forEach(stage -> spans.put(stage, new ArrayList<>()));
    for (JsonNode event : new ObjectMapper().readTree(printed).path("recording").path("events")) {
      JsonNode values = event.path("values");
      if (!values.path("type").asText().equals("execute")) {
        continue;
      }
      stages.forEach(stage -> spans.get(stage).add(values.path(stage).asLong()));
    }
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "Inside the Liberty daemon (Chicory), %s %s, %d in flight: %,.0f calls/s, p50 %.3f ms at the client; %d executes timed%n%n",
            http ? "HTTP" : "UDP",
            row.sessions() ? "in sessions" : "signed",
            row.inFlight(),
            during.get("calls_per_second").asDouble(),
            ms(during, "p50"),
            spans.get("total").size()));
    text.append("| stage (received to sent) | p50 | mean |\n|---|---:|---:|\n");
    for (String stage : stages) {
      List<Long> values = new ArrayList<>(spans.get(stage));
      java.util.Collections.sort(values);
      double median = values.isEmpty() ? 0 : values.get(values.size() / 2) / 1e3;
      double mean = values.stream().mapToLong(Long::longValue).average().orElse(0) / 1e3;
      text.append(String.format("| %s | %,.0f µs | %,.0f µs |%n", stage, median, mean));
    }
    return text.toString();
  }

  /** The first stage, in the request path's order of interest, whose code is on the stack. */
  static String stage(String stack) {
    String[][] stages = {
      {"open, seal (session: ChaCha20-Poly1305)", "protocol.Session.", "protocol.Sealed."},
      {"verify (Ed25519, COSE)", "protocol.Verifier.verify"},
      {"sign (Ed25519, COSE)", "protocol.Sign1.sign"},
      {"journal (encode, write, fdatasync)", "org.weverywhere.events."},
      {"execute (engine, instance, WASI)", "org.weverywhere.exec."},
      {
        "authorise, quotas, traffic",
        "org.weverywhere.traffic.",
        "protocol.Authorizer",
        "idempotency."
      },
      {"CBOR encode/decode", "org.weverywhere.protocol."},
      {"rest of the request path", "org.weverywhere."},
      {"socket I/O (NIO)", "sun.nio.ch."},
      {"Liberty (HTTP, CDI, threads)", "com.ibm.", "io.openliberty."},
    };
    for (String[] stage : stages) {
      for (int i = 1; i < stage.length; i++) {
        if (stack.contains(stage[i])) {
          return stage[0];
        }
      }
    }
    return "JVM and JDK other (GC, JIT, parking)";
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + new String(out));
    }
    return new String(out);
  }
}
