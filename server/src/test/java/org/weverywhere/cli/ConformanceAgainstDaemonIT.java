package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;

/**
 * {@code weverywhere conformance} against this project's daemon (its real beans under Weld SE, UDP
 * on loopback, the bulk channel's answers from the same {@code BulkExchange} Liberty's resource
 * uses): the reference implementation must honour every rule it publishes.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceAgainstDaemonTest {
  private static int port;
  private static int httpPort;

  static {
    var test =
        TestDaemonConfig.prepare(
            "conformance-daemon",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute, fetch");
    port = test.udpPort();
    httpPort = test.httpPort();
  }

  @WeldSetup
  WeldInitiator weld = WeldInitiator.from(DaemonParts.CLASSES.toArray(Class[]::new)).build();

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

  @Test
  void theDaemonHonoursEveryReceiverRuleOverUdpAndHttp() throws IOException {
    CliRun run = CliRun.of("conformance", "127.0.0.1:" + port, "--timeout", "0.25", "--json");
    JsonNode doc = new ObjectMapper().readTree(run.out());
    List<String> failed = new ArrayList<>();
    doc.get("rules")
        .forEach(
            rule -> {
              if (!rule.get("result").asText().equals("PASS")) {
                failed.add(rule.toString());
              }
            });
    assertEquals(List.of(), failed, run.toString());
    assertEquals(0, run.status(), run.toString());
    assertEquals(daemon.identity().nodeId().toString(), doc.get("node").asText());
    // both transports, each receiver code at least once, and the HTTP-only rules
    List<String> seen = new ArrayList<>();
    doc.get("rules")
        .forEach(
            rule -> seen.add(rule.get("transport").asText() + " " + rule.get("rule").asText()));
    for (String expected :
        List.of(
            "udp expired",
            "http expired",
            "udp oversized",
            "http valid-oversized-over-http",
            "http text-too-long",
            "udp zero-id-in-chain",
            "http not-permitted",
            "udp not-member",
            "http content-type",
            "udp unsupported-version",
            "http unknown-type",
            "udp replayed")) {
      assertTrue(seen.contains(expected), expected + " not among " + seen);
    }
    assertTrue(doc.get("passed").asInt() >= 100, run.out());
  }

  @Test
  void humanOutputIsOneLinePerRuleThenASummary() {
    CliRun run = CliRun.of("conformance", "127.0.0.1:" + port, "--timeout", "0.25");
    assertEquals(0, run.status(), run.toString());
    String[] lines = run.out().split("\n");
    assertTrue(lines[0].startsWith("/127.0.0.1:" + port + " (node "), lines[0]);
    assertTrue(run.out().contains("\nPASS  udp   expired "), run.out());
    assertTrue(run.out().contains("expected rejected WE5007: no answer; got no answer"), run.out());
    assertTrue(lines[lines.length - 2].matches("\\d+ passed, 0 failed"), lines[lines.length - 2]);
  }

  @Test
  void executeErrorsCarryTheCodesOfTheSpec() {
    var client =
        new org.weverywhere.net.BulkClient(
            new org.weverywhere.protocol.MessageSigner(org.weverywhere.trust.Ed25519.generate()),
            org.weverywhere.protocol.Verifier.of(
                java.time.Clock.systemUTC(), java.util.Optional.empty(), 1000),
            java.time.Clock.systemUTC(),
            java.time.Duration.ofSeconds(5),
            java.time.Duration.ofSeconds(30),
            org.weverywhere.protocol.WireLimits.HTTP);
    java.net.URI base = java.net.URI.create("http://127.0.0.1:" + httpPort);
    var node = daemon.identity().nodeId();
    var math = new org.weverywhere.protocol.Message.LibraryTarget("math");
    var noSuch =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.weverywhere.protocol.ProtocolException.class,
            () ->
                client.request(
                    base,
                    node,
                    new org.weverywhere.protocol.Message.Execute(
                        math, new org.weverywhere.protocol.Message.Call("nope", List.of()))));
    assertTrue(noSuch.getMessage().contains("(WE2011)"), noSuch.getMessage());
    var badArgs =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.weverywhere.protocol.ProtocolException.class,
            () ->
                client.request(
                    base,
                    node,
                    new org.weverywhere.protocol.Message.Execute(
                        math,
                        new org.weverywhere.protocol.Message.Call(
                            "add", List.of(org.weverywhere.protocol.Message.WasmValue.i32(1))))));
    assertTrue(badArgs.getMessage().contains("(WE2010)"), badArgs.getMessage());
  }

  @Test
  void aPeerThatDoesNotAnswerIsAOneLineFailure() {
    CliRun run = CliRun.of("conformance", "127.0.0.1:9", "--timeout", "0.2");
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.err().contains("WE5024"), run.err());
    CliRun bad = CliRun.of("conformance", "127.0.0.1:0x", "--timeout", "0.2");
    assertEquals(2, bad.status(), bad.toString());
  }
}
