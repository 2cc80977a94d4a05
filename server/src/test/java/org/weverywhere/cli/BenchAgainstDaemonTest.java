package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;

/**
 * {@code weverywhere bench} against the daemon's real beans (Weld SE, as CliAgainstDaemonTest): a
 * counted run over UDP and over HTTP gets every request answered, and each execute really ran (the
 * daemon's journal holds one {@code execution.finished} per measured and warm-up execute, since
 * every request carries a key of its own); a mix naming what the daemon lacks is refused before any
 * load. Counts, never times: a benchmark's figures are not asserted in tests.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchAgainstDaemonTest {
  private static Path configDir;
  private static int port;
  private static int httpPort;

  static {
    var test =
        TestDaemonConfig.prepare(
            "bench-daemon",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute\ngroup.anonymous.quota.cores = 2");
    port = test.udpPort();
    httpPort = test.httpPort();
    configDir = test.dir();
  }

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;
  @Inject Endpoints endpoints;

  private LoopbackBulkServer http;

  @BeforeAll
  void serveHttp() throws IOException {
    http = LoopbackBulkServer.start(endpoints, httpPort);
  }

  @AfterAll
  void stop() {
    http.close();
    TestDaemonConfig.clear();
  }

  /**
   * A run whose every request must be answered: each request gets 10 s, not {@link
   * CliRun#against}'s 1 s, since these count answers, and on a loaded machine a request over the
   * JDK's HTTP server missed 1 s in three runs of five.
   */
  private CliRun withTimeout(String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
    all.addAll(1, java.util.List.of("--port", Integer.toString(port), "--timeout", "10"));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  void aCountedUdpRunGetsEveryRequestAnswered() throws IOException {
    long before = finishedExecutions();
    CliRun run =
        withTimeout(
            "bench",
            "--peer",
            "127.0.0.1:" + port,
            "-c",
            "4",
            "-n",
            "200",
            "--warmup",
            "0",
            "--json");
    assertEquals(0, run.status(), run.toString());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertEquals(200, result.get("sent").asLong(), run.out());
    assertEquals(200, result.get("ok").asLong(), run.out());
    assertEquals("udp", result.get("transport").asText());
    assertEquals(0, result.get("errors").size(), run.out());
    assertEquals(0, result.get("refused").size(), run.out());
    double p50 = result.get("latency_ms").get("p50").asDouble();
    double p99 = result.get("latency_ms").get("p99").asDouble();
    double max = result.get("latency_ms").get("max").asDouble();
    assertTrue(0 < p50 && p50 <= p99 && p99 <= max, run.out());
    assertTrue(result.get("calls_per_second").asDouble() > 0, run.out());
    // every request ran: a fresh request key each, none answered from a kept result
    assertEquals(200, finishedExecutions() - before, "executions journaled");
  }

  @Test
  void aMixOverHttpCountsEachKindAndPrintsASummary() {
    CliRun run =
        withTimeout(
            "bench",
            "--peer",
            "127.0.0.1:" + port,
            "--transport",
            "http",
            "-c",
            "3",
            "-n",
            "60",
            "--warmup",
            "0",
            "--mix",
            "execute:math.add:2:40=4,describe=1,discover=1");
    assertEquals(0, run.status(), run.toString());
    String[] lines = run.out().split("\n");
    assertTrue(
        lines[0].matches(".+ over http, 3 in flight \\(3 threads\\), 60 requests"), lines[0]);
    assertEquals("  mix       execute:math.add:2:40=4,describe=1,discover=1", lines[1]);
    assertTrue(
        lines[2].matches("  calls     60 ok of 60 sent in [0-9.]+ s: [0-9,]+ calls/s"), lines[2]);
    assertTrue(
        lines[3].matches(
            "  latency   p50 [0-9.]+ ms  p90 [0-9.]+ ms  p99 [0-9.]+ ms  max [0-9.]+ ms"),
        lines[3]);
    assertEquals("  refused   none", lines[4]);
    assertEquals("  errors    none", lines[5]);
  }

  /**
   * {@code --sessions}: every measured and warm-up request of a run is sealed in the one session
   * its handshake opened (the journal names the session on each finished execution), over UDP with
   * more requests in flight than threads, and over HTTP with its kept-alive connections.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"udp", "http"})
  void aSealedRunRunsEveryRequestInOneSession(String transport) throws IOException {
    java.util.Map<String, String> before = finished();
    CliRun run =
        // a generous wait: 24 in flight queue for the group's 2 cores, and the machine may be
        // loaded
        CliRun.of(
            "bench",
            "--port",
            Integer.toString(port),
            "--timeout",
            "20",
            "--peer",
            "127.0.0.1:" + port,
            "--transport",
            transport,
            "-c",
            "24",
            "-n",
            "240",
            "--warmup",
            "0",
            "--sessions",
            "--json");
    assertEquals(0, run.status(), run.toString());
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertEquals(240, result.get("ok").asLong(), run.out());
    assertEquals(0, result.get("errors").size(), run.out());
    assertTrue(result.get("sessions").asBoolean(), run.out());
    java.util.Map<String, String> after = finished();
    after.keySet().removeAll(before.keySet());
    assertEquals(240, after.size(), "executions journaled");
    assertEquals(1, new java.util.HashSet<>(after.values()).size(), "sessions: " + after.values());
    assertTrue(!after.values().iterator().next().isEmpty(), "sealed, not signed");
  }

  @Test
  void whatTheDaemonLacksIsRefusedBeforeAnyLoad() {
    CliRun lacking =
        CliRun.against(
            port, "bench", "--peer", "127.0.0.1:" + port, "-n", "5", "--mix", "execute:nope.add");
    assertEquals(1, lacking.status(), lacking.toString());
    assertTrue(
        lacking.err().contains("offers no library 'nope'") && lacking.err().endsWith("[WE1020]\n"),
        lacking.err());
    CliRun noFunction =
        CliRun.against(
            port, "bench", "--peer", "127.0.0.1:" + port, "-n", "5", "--mix", "execute:math.sub");
    assertEquals(1, noFunction.status(), noFunction.toString());
    assertTrue(noFunction.err().contains("exports no function 'sub'"), noFunction.err());
    CliRun badArgument =
        CliRun.against(
            port,
            "bench",
            "--peer",
            "127.0.0.1:" + port,
            "-n",
            "5",
            "--mix",
            "execute:math.add:x:1");
    assertEquals(1, badArgument.status(), badArgument.toString());
    assertTrue(badArgument.err().endsWith("[WE2010]\n"), badArgument.err());
  }

  /** Distinct request keys of the executions the daemon journaled as finished. */
  private long finishedExecutions() throws IOException {
    return finished().size();
  }

  /**
   * The request keys of the executions the daemon journaled as finished, each with the session it
   * came sealed in ("" when signed).
   */
  private java.util.Map<String, String> finished() throws IOException {
    var json = new ObjectMapper();
    java.util.Map<String, String> keys = new java.util.HashMap<>();
    try (var files = Files.list(configDir.resolve("state/events"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.startsWith("{")) {
            continue;
          }
          JsonNode event = json.readTree(line);
          if (event.path("type").asText().equals("org.weverywhere.execution.finished")
              && event.path("data").has("requestKey")) {
            keys.put(
                event.path("data").path("requestKey").asText(),
                event.path("data").path("session").asText(""));
          }
        }
      }
    }
    return keys;
  }
}
