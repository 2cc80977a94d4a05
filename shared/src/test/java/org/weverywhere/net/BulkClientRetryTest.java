package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The bulk channel when connections break (a daemon restarting, a reset mid-request): a request
 * that is safe to repeat is sent again, signed afresh with the same request key, within the connect
 * timeout; one that is not (control) fails at once.
 */
class BulkClientRetryTest {
  private final MessageSigner host = new MessageSigner(Ed25519.generate());
  private final MessageSigner client = new MessageSigner(Ed25519.generate());
  private final Verifier hostVerifier =
      Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 1000);
  private final List<SignedMessage> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger breakFirst = new AtomicInteger();
  private HttpServer server;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(BulkClient.PATH, this::handle);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    SignedMessage request = hostVerifier.verify(body, WireLimits.HTTP);
    received.add(request);
    if (breakFirst.getAndDecrement() > 0) {
      exchange.close(); // no status line: the client sees the connection end
      return;
    }
    Message reply =
        new Message.Result(
            "completed", 0, new byte[0], new byte[0], List.of(Message.WasmValue.i32(42)), 1);
    byte[] wire = host.sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), reply);
    exchange.getResponseHeaders().set("Content-Type", BulkClient.MEDIA_TYPE);
    exchange.sendResponseHeaders(200, wire.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(wire);
    }
  }

  private BulkClient bulk(Duration connectTimeout) {
    return new BulkClient(
        client,
        Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
        Clock.systemUTC(),
        connectTimeout,
        Duration.ofSeconds(10),
        WireLimits.HTTP);
  }

  private static Message.Execute add() {
    return new Message.Execute(
        new Message.LibraryTarget("math"),
        new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
  }

  @Test
  void aBrokenConnectionIsRetriedWithAFreshIdAndTheSameKey() {
    breakFirst.set(2);
    var result =
        assertInstanceOf(
            Message.Result.class,
            bulk(Duration.ofSeconds(5)).request(base, host.fingerprint(), add()).message());
    assertEquals(List.of(Message.WasmValue.i32(42)), result.values());
    assertEquals(3, received.size());
    var keys =
        received.stream().map(r -> RequestKey.of(r.message()).orElseThrow()).distinct().toList();
    assertEquals(1, keys.size(), "one key for every attempt: " + keys);
    assertEquals(
        3,
        received.stream().map(r -> r.header().id()).distinct().count(),
        "a fresh id per attempt");
  }

  @Test
  void aKeyTheCallerChoseIsKept() {
    breakFirst.set(1);
    RequestKey mine = RequestKey.random();
    bulk(Duration.ofSeconds(5)).request(base, host.fingerprint(), add().withKey(mine));
    assertTrue(
        received.stream().allMatch(r -> RequestKey.of(r.message()).orElseThrow().equals(mine)));
  }

  @Test
  void aControlRequestIsNotRepeated() {
    breakFirst.set(5);
    var failed =
        assertThrows(
            ProtocolException.class,
            () ->
                bulk(Duration.ofSeconds(5))
                    .request(
                        base,
                        host.fingerprint(),
                        new Message.Control("drain", java.util.Map.of())));
    assertEquals(ProtocolException.Reason.TRANSPORT, failed.reason());
    assertEquals(1, received.size());
  }

  @Test
  void retriesStopWithinTheConnectTimeout() {
    breakFirst.set(1_000);
    long start = System.nanoTime();
    var failed =
        assertThrows(
            ProtocolException.class,
            () -> bulk(Duration.ofMillis(800)).request(base, host.fingerprint(), add()));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(ProtocolException.Reason.TRANSPORT, failed.reason());
    assertTrue(millis < 2_000, "gave up after " + millis + " ms");
    assertTrue(received.size() >= 2 && received.size() <= 64, received.size() + " attempts");
  }
}
