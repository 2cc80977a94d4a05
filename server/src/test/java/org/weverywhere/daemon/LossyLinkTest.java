package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;

/**
 * Executes over a bad link on loopback: the real daemon (beans under Weld SE, real UDP) behind a
 * {@link LossyRelay} that drops, duplicates and reorders datagrams; the real client retransmits
 * with the same request key. Every logical execute that succeeds is in the journal exactly once.
 */
@EnableWeld
class LossyLinkTest {
  private static Path configDir;
  private static int port;

  @BeforeAll
  static void configuration() {
    var test =
        TestDaemonConfig.prepare(
            "lossy-daemon",
            List.of("math.wasi", "fib.wasi"),
            "group.anonymous.privileges = execute");
    configDir = test.dir();
    port = test.udpPort();
  }

  @AfterAll
  static void clearProperty() {
    TestDaemonConfig.clear();
  }

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;

  private final MessageSigner me = new MessageSigner(Ed25519.generate());
  private final UdpClient client =
      new UdpClient(
          me,
          new Verifier(
              Clock.systemUTC(),
              Duration.ofSeconds(30),
              new ReplayCache(Duration.ofSeconds(30), 100_000),
              Optional.empty()),
          Clock.systemUTC());

  private InetSocketAddress daemonAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static Message.Execute add(int a, int b) {
    return new Message.Execute(
        new Message.LibraryTarget("math"),
        new Message.Call("add", List.of(Message.WasmValue.i32(a), Message.WasmValue.i32(b))));
  }

  @Test
  void lossDuplicatesAndReorderingEachWayRunEveryExecuteOnce() throws Exception {
    var faults = new LossyRelay.Faults(0.2, 0.1, 0.1, 40, 0);
    int logical = 150;
    List<String> succeeded = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try (var relay = new LossyRelay(daemonAddress(), faults, faults, 15)) {
      for (int i = 0; i < logical; i++) {
        Message.Execute execute = add(i, 1).withKey(RequestKey.random());
        try {
          var result =
              assertInstanceOf(
                  Message.Result.class,
                  client
                      .request(
                          relay.address(),
                          daemon.identity().nodeId(),
                          execute,
                          Duration.ofSeconds(3))
                      .message());
          assertEquals(List.of(Message.WasmValue.i32(i + 1)), result.values());
          succeeded.add(execute.key().orElseThrow().toString());
        } catch (ProtocolException lost) {
          failed.add(lost.getMessage());
        }
      }
      assertTrue(relay.dropped() > logical / 2, "the relay dropped only " + relay.dropped());
    }
    // at 20% each way a budget of 3 s holds about seven attempts: a failure has odds of about 1 in
    // 1,300
    assertTrue(
        succeeded.size() >= logical - 2,
        succeeded.size() + " of " + logical + " succeeded: " + failed);
    Map<String, Integer> finished = count("org.weverywhere.execution.finished");
    for (String key : succeeded) {
      assertEquals(1, finished.getOrDefault(key, 0), "execution.finished events of key " + key);
    }
    assertTrue(finished.values().stream().allMatch(n -> n == 1), "a key ran twice: " + finished);
  }

  @Test
  void aLostReplyToALongExecutionIsRecoveredWithTheSameKeyNotRunAgain() throws Exception {
    Message.Execute fib =
        new Message.Execute(
                new Message.LibraryTarget("fib"),
                new Message.Command(List.of("fib", "38"), Map.of(), new byte[0]))
            .withKey(RequestKey.random());
    // the first reply is lost, so only a retry can bring the result
    var faults = new LossyRelay.Faults(0, 0, 0, 0, 1);
    try (var relay = new LossyRelay(daemonAddress(), LossyRelay.Faults.NONE, faults, 1)) {
      var result =
          assertInstanceOf(
              Message.Result.class,
              client
                  .request(relay.address(), daemon.identity().nodeId(), fib, Duration.ofSeconds(60))
                  .message());
      assertEquals("completed", result.outcome());
      assertTrue(
          new String(result.stdout(), StandardCharsets.UTF_8).startsWith("fib(38) = 39088169"));
      assertTrue(relay.dropped() >= 1);
    }
    String key = fib.key().orElseThrow().toString();
    assertEquals(1, count("org.weverywhere.execution.finished").getOrDefault(key, 0));
    assertEquals(1, count("org.weverywhere.execution.started").getOrDefault(key, 0));
  }

  @Test
  void aKeyReusedForAnotherRequestIsRefusedWithItsCode() {
    RequestKey key = RequestKey.random();
    var first =
        assertInstanceOf(
            Message.Result.class,
            client
                .request(
                    daemonAddress(),
                    daemon.identity().nodeId(),
                    add(1, 1).withKey(key),
                    Duration.ofSeconds(3))
                .message());
    assertEquals(List.of(Message.WasmValue.i32(2)), first.values());
    var again =
        assertInstanceOf(
            Message.Result.class,
            client
                .request(
                    daemonAddress(),
                    daemon.identity().nodeId(),
                    add(1, 1).withKey(key),
                    Duration.ofSeconds(3))
                .message());
    assertEquals(first.values(), again.values());
    var refused =
        assertThrows(
            ProtocolException.class,
            () ->
                client.request(
                    daemonAddress(),
                    daemon.identity().nodeId(),
                    add(1, 2).withKey(key),
                    Duration.ofSeconds(3)));
    assertTrue(refused.getMessage().contains("WE5060"), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("a new request needs a new key"), refused.getMessage());
  }

  @Test
  void aPeerThatIsGoneIsReportedWithinTheBudget() throws Exception {
    try (var relay =
        new LossyRelay(daemonAddress(), LossyRelay.Faults.loss(1.0), LossyRelay.Faults.NONE, 3)) {
      long start = System.nanoTime();
      var silent =
          assertThrows(
              ProtocolException.class,
              () ->
                  client.request(
                      relay.address(),
                      daemon.identity().nodeId(),
                      add(1, 1),
                      Duration.ofMillis(1500)));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(ProtocolException.Reason.NO_ANSWER, silent.reason());
      assertTrue(tookMillis >= 1400 && tookMillis < 3000, "gave up after " + tookMillis + " ms");
      assertTrue(
          silent
              .getMessage()
              .matches(".*did not answer execute in \\d+ attempt\\(s\\) within 1500 ms.*"),
          silent.getMessage());
    }
  }

  /** Events of {@code type} in the journal, counted by request key. */
  private static Map<String, Integer> count(String type) throws IOException {
    Map<String, Integer> byKey = new TreeMap<>();
    var json = new ObjectMapper();
    try (var files = Files.list(configDir.resolve("state/events"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.startsWith("{")) {
            continue;
          }
          JsonNode event = json.readTree(line);
          if (event.path("type").asText().equals(type) && event.path("data").has("requestKey")) {
            byKey.merge(event.path("data").path("requestKey").asText(), 1, Integer::sum);
          }
        }
      }
    }
    return byKey;
  }
}
