package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;

/**
 * {@code weverywhere conformance} against this project's daemon as hosts run it (Open Liberty, UDP
 * and the HTTP bulk channel on loopback): the reference implementation must honour every rule it
 * publishes.
 */
@TestDaemon(
    name = "conformance-daemon",
    libraries = "math.wasi",
    config = "group.anonymous.privileges = execute, fetch")
class ConformanceAgainstDaemonIT {
  static LibertyDaemon daemon;

  @Test
  void theDaemonHonoursEveryReceiverRuleOverUdpAndHttp() throws IOException {
    CliRun run =
        CliRun.of("conformance", "127.0.0.1:" + daemon.udpPort(), "--timeout", "0.25", "--json");
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
    assertEquals(daemon.nodeId().toString(), doc.get("node").asText());
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
    CliRun run = CliRun.of("conformance", "127.0.0.1:" + daemon.udpPort(), "--timeout", "0.25");
    assertEquals(0, run.status(), run.toString());
    String[] lines = run.out().split("\n");
    assertTrue(lines[0].startsWith("/127.0.0.1:" + daemon.udpPort() + " (node "), lines[0]);
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
    java.net.URI base = java.net.URI.create("http://127.0.0.1:" + daemon.httpPort());
    var node = daemon.nodeId();
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
