package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * {@code weverywhere conformance} against a daemon that breaks rules on purpose: it forgets every
 * id (so it answers replays), and its HTTP endpoint answers 200 with nonsense. The command must say
 * FAIL for exactly those rules, PASS for the rest it honours, exit 1, and not hang.
 */
class ConformanceCommandTest {
  @Test
  void aDaemonThatAnswersReplaysAndLiesOverHttpFailsThoseRules() throws Exception {
    try (Liar liar = new Liar()) {
      CliRun run =
          CliRun.of(
              "conformance",
              "127.0.0.1:" + liar.udpPort(),
              "--http-port",
              Integer.toString(liar.httpPort()),
              "--timeout",
              "0.15",
              "--json");
      assertEquals(1, run.status(), run.toString());
      JsonNode doc = new ObjectMapper().readTree(run.out());
      assertTrue(doc.has("failed") && doc.get("failed").asInt() > 0, run.toString());
      String udpReplayed = result(doc, "udp", "replayed");
      assertEquals("FAIL", udpReplayed, run.out());
      assertEquals("PASS", result(doc, "udp", "expired"), "the liar still checks time");
      assertEquals("PASS", result(doc, "udp", "bad-signature"), "and signatures");
      for (JsonNode rule : doc.get("rules")) {
        if (rule.get("transport").asText().equals("http")) {
          assertEquals(
              "FAIL",
              rule.get("result").asText(),
              rule.toString()); // 200 "nonsense", no versions header
        }
      }
      JsonNode replayed = rule(doc, "udp", "replayed");
      assertTrue(replayed.get("got").asText().startsWith("signed announce"), replayed.toString());
    }
  }

  @Test
  void aPeerThatIsNotThereIsAOneLineFailureAndBadUsageIsExit2() {
    CliRun silent = CliRun.of("conformance", "127.0.0.1:9", "--timeout", "0.1");
    assertEquals(1, silent.status(), silent.toString());
    assertTrue(silent.err().contains("[WE5024]"), silent.err());
    assertEquals(2, CliRun.of("conformance", "127.0.0.1:x").status());
    assertEquals(2, CliRun.of("conformance", "127.0.0.1", "--timeout", "0").status());
    assertEquals(2, CliRun.of("conformance", "127.0.0.1", "--http-port", "70000").status());
  }

  private static JsonNode rule(JsonNode doc, String transport, String name) {
    for (JsonNode rule : doc.get("rules")) {
      if (rule.get("transport").asText().equals(transport)
          && rule.get("rule").asText().equals(name)) {
        return rule;
      }
    }
    throw new AssertionError(transport + " " + name + " not run: " + doc);
  }

  private static String result(JsonNode doc, String transport, String name) {
    return rule(doc, transport, name).get("result").asText();
  }

  /**
   * Verifies like a daemon but with a new replay cache for every datagram, and answers each with an
   * announce.
   */
  private static final class Liar implements AutoCloseable {
    private final MessageSigner host = new MessageSigner(Ed25519.generate());
    private final DatagramChannel udp;
    private final HttpServer http;
    private final Thread loop;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Liar() throws IOException {
      udp = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext(
          "/",
          exchange -> {
            try (exchange) {
              exchange.getRequestBody().readNBytes(1 << 20);
              byte[] body = "nonsense".getBytes(java.nio.charset.StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
            }
          });
      http.start();
      loop = Thread.ofPlatform().daemon().start(this::answer);
    }

    int udpPort() throws IOException {
      return ((InetSocketAddress) udp.getLocalAddress()).getPort();
    }

    int httpPort() {
      return http.getAddress().getPort();
    }

    private void answer() {
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      while (open.get()) {
        try {
          buffer.clear();
          SocketAddress from = udp.receive(buffer);
          byte[] bytes = java.util.Arrays.copyOf(buffer.array(), buffer.position());
          SignedMessage request;
          try {
            Verifier forgetful =
                new Verifier(
                    Clock.systemUTC(),
                    Verifier.DEFAULT_WINDOW,
                    new ReplayCache(Verifier.DEFAULT_WINDOW, 64),
                    Optional.of(host.fingerprint())); // no memory
            request = forgetful.verify(bytes, WireLimits.UDP);
          } catch (ProtocolException refused) {
            continue;
          }
          byte[] reply =
              host.sign(
                  Header.replyTo(request.header(), Clock.systemUTC().instant()),
                  new Message.Announce("liar", httpPort(), List.of(), List.of()));
          udp.send(ByteBuffer.wrap(reply), from);
        } catch (IOException closed) {
          return; // close() ends the loop
        }
      }
    }

    @Override
    public void close() throws Exception {
      open.set(false);
      udp.close();
      http.stop(0);
      loop.join(Duration.ofSeconds(5));
    }
  }
}
