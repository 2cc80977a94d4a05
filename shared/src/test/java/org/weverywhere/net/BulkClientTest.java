package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The bulk channel against a real HTTP server on loopback that verifies and answers like a daemon.
 */
class BulkClientTest {
  private final MessageSigner host = new MessageSigner(Ed25519.generate());
  private final MessageSigner client = new MessageSigner(Ed25519.generate());
  private final Verifier hostVerifier =
      Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 1000);
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(BulkClient.PATH, this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(WireLimits.HTTP.maxMessageBytes() + 1);
    SignedMessage request;
    try {
      request = hostVerifier.verify(body, WireLimits.HTTP);
    } catch (ProtocolException refused) {
      exchange.sendResponseHeaders(400, -1);
      exchange.close();
      return;
    }
    Message reply =
        switch (request.message()) {
          case Message.Fetch f ->
              new Message.ModuleReply(f.library(), new byte[32], new byte[200_000]);
          case Message.Execute e ->
              new Message.ErrorReply("WE5022", "friends used their 2 cores", Optional.of("cpu"));
          case Message.Describe d -> {
            try {
              release.await(
                  10, TimeUnit.SECONDS); // slow on purpose: the client must time out first
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            }
            yield new Message.Description(Map.of(), List.of(), List.of());
          }
          default -> new Message.ErrorReply("WE5023", "not served here", Optional.empty());
        };
    byte[] wire = host.sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), reply);
    exchange.getResponseHeaders().add("Content-Type", BulkClient.MEDIA_TYPE);
    exchange.sendResponseHeaders(200, wire.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(wire);
    }
  }

  private BulkClient bulk(Duration timeout) {
    return new BulkClient(
        client,
        Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
        Clock.systemUTC(),
        Duration.ofSeconds(2),
        timeout,
        WireLimits.HTTP);
  }

  @Test
  void aModuleTooLargeForADatagramComesBackVerified() {
    SignedMessage reply =
        bulk(Duration.ofSeconds(5))
            .request(base, host.fingerprint(), new Message.Fetch("math", Optional.empty()));
    Message.ModuleReply module = (Message.ModuleReply) reply.message();
    assertEquals("math", module.library());
    assertArrayEquals(new byte[200_000], module.module());
    assertEquals(host.fingerprint(), reply.fingerprint());
  }

  @Test
  void aQuotaRefusalNamesTheQuota() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                bulk(Duration.ofSeconds(5))
                    .request(
                        base,
                        host.fingerprint(),
                        new Message.Execute(
                            new Message.LibraryTarget("math"),
                            new Message.Call("add", List.of()))));
    assertEquals(Reason.QUOTA_EXCEEDED, e.reason());
    assertTrue(
        e.getMessage().contains("quota 'cpu' exceeded: friends used their 2 cores"),
        e.getMessage());
    assertEquals("WE5022", e.code().code());
  }

  @Test
  void aSlowPeerIsNoAnswerAndAnUnverifiableRequestIsRefused() {
    ProtocolException slow =
        assertThrows(
            ProtocolException.class,
            () ->
                bulk(Duration.ofMillis(300))
                    .request(base, host.fingerprint(), new Message.Describe(List.of())));
    assertEquals(Reason.NO_ANSWER, slow.reason(), slow.getMessage());

    // addressed to another node: the server cannot verify it for itself and answers 400
    ProtocolException refused =
        assertThrows(
            ProtocolException.class,
            () ->
                bulk(Duration.ofSeconds(5))
                    .request(
                        base, client.fingerprint(), new Message.Fetch("math", Optional.empty())));
    assertEquals(Reason.REFUSED, refused.reason());
    assertTrue(refused.getMessage().endsWith("answered HTTP 400"), refused.getMessage());
  }

  @Test
  void nothingListeningIsATransportError() throws IOException {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                bulk(Duration.ofSeconds(2))
                    .request(
                        URI.create("http://127.0.0.1:" + port),
                        host.fingerprint(),
                        new Message.Describe(List.of())));
    assertEquals(Reason.TRANSPORT, e.reason(), e.getMessage());
  }
}
