package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.control.ControlActions;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.events.EventJournal;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.ExecutionRequest;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.Intake;
import org.weverywhere.net.AnswerSpread;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Authorizer;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.service.Services;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.Privilege;
import org.weverywhere.trust.SignatureGroups;

/**
 * Issue 13, item 1 and 8: nothing one message does silences an endpoint. A datagram whose handling
 * throws is counted and the next one answered; a receiving loop that ends anyway is down (readiness
 * says so) and comes back by itself; a request whose handling fails gets a signed error, over UDP
 * and HTTP, never silence or a 500; unverified HTTP bodies stay within their memory budget and are
 * refused with 503 and Retry-After beyond it.
 */
class OneBadMessageTest {
  private static WeldContainer weld;
  private static Endpoints endpoints;
  private static TestDaemonConfig config;
  private final MessageSigner me = new MessageSigner(Ed25519.generate());

  @BeforeAll
  static void daemon() {
    config =
        TestDaemonConfig.prepare(
            "one-bad-message",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.network.rate = 100MiB/s");
    weld = DaemonParts.weld().initialize();
    weld.select(org.weverywhere.daemon.Daemon.class).get().identity(); // started with the container
    endpoints = weld.select(Endpoints.class).get();
  }

  @AfterAll
  static void stop() {
    weld.close();
    TestDaemonConfig.clear();
  }

  /** A handler over the daemon's real parts, but whose executor fails the way a bug would. */
  /**
   * A UDP endpoint on loopback {@code port} with this test's limits and the daemon's key; only what
   * a case is about varies.
   */
  private static UdpEndpoint endpoint(
      int port,
      UdpEndpoint.Check check,
      RequestHandler handler,
      Predicate<Fingerprint> knownKey,
      Duration restartPause) {
    return UdpEndpoint.open(
        LoopbackNetwork.settings(port),
        endpoints.signer(),
        check,
        handler,
        new SourceLimiter(2_000, 4_000, 1_000, System::nanoTime),
        Clock.systemUTC(),
        AnswerSpread.DEFAULT,
        new FairSlots(64, 16),
        knownKey,
        restartPause);
  }

  private static RequestHandler failingHandler() {
    return failingHandler(
        new Executor() {
          @Override
          public ExecutionOutcome execute(ExecutionRequest request) {
            throw new IllegalStateException("a bug in the executor");
          }
        });
  }

  private static RequestHandler failingHandler(Executor broken) {
    var authorizer =
        new Authorizer(SignatureGroups.none(), Map.of("anonymous", Set.of(Privilege.EXECUTE)));
    return new RequestHandler(
        "failing",
        config.httpPort(),
        () -> authorizer,
        weld.select(TrafficLedger.class).get(),
        weld.select(LibraryStore.class).get(),
        broken,
        weld.select(EventJournal.class).get(),
        weld.select(Services.class).get(),
        8,
        weld.select(Intake.class).get(),
        weld.select(ControlActions.class).get());
  }

  private static int freePort() throws IOException {
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private SignedMessage ask(int port, Message message) {
    var client =
        new UdpClient(
            me, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
    return client.request(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        endpoints.signer().fingerprint(),
        message,
        Duration.ofSeconds(2),
        2);
  }

  private static void send(int port, String raw) throws IOException {
    try (var socket = new DatagramSocket()) {
      byte[] bytes = raw.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  @Test
  void aDatagramWhoseHandlingThrowsIsCountedAndTheNextOneAnswered() throws Exception {
    int port = freePort();
    Verifier verifier = endpoints.verifier();
    UdpEndpoint.Check check =
        datagram -> {
          if (new String(datagram, StandardCharsets.US_ASCII).equals("throw")) {
            throw new IllegalArgumentException(
                "decoding failed the way MessageId.of did (issue 13)");
          }
          return verifier.verify(datagram, WireLimits.UDP);
        };
    try (var udp =
        endpoint(port, check, endpoints.handler(), key -> false, Duration.ofMillis(200))) {
      send(port, "throw");
      send(port, "throw");
      assertInstanceOf(
          Message.Description.class, ask(port, new Message.Describe(List.of())).message());
      assertEquals(2L, udp.dropped().get("failed"), udp.dropped().toString());
      assertEquals(0, udp.restarts(), "the loop went on, it was not restarted");
      assertTrue(udp.down().isEmpty());
    }
  }

  @Test
  void aReceivingLoopThatDiesIsDownThenRestartedByItself() throws Exception {
    int port = freePort();
    Verifier verifier = endpoints.verifier();
    UdpEndpoint.Check check =
        datagram -> {
          if (new String(datagram, StandardCharsets.US_ASCII).equals("die")) {
            throw new StackOverflowError("an Error no per-message catch takes");
          }
          return verifier.verify(datagram, WireLimits.UDP);
        };
    try (var udp =
        endpoint(port, check, endpoints.handler(), key -> false, Duration.ofMillis(500))) {
      send(port, "die");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (udp.down().isEmpty() && udp.restarts() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      Optional<String> down = udp.down();
      assertTrue(down.isPresent(), "health is DOWN while the loop is restarted");
      assertTrue(
          down.get().contains("udp-endpoint") && down.get().contains("StackOverflowError"),
          down.get());
      while (udp.down().isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(udp.down().isEmpty(), "recovered");
      assertEquals(1, udp.restarts());
      assertInstanceOf(
          Message.Description.class, ask(port, new Message.Describe(List.of())).message());
    }
  }

  @Test
  void aRequestWhoseHandlingFailsGetsASignedErrorOverUdpAndTheNextIsAnswered() throws Exception {
    int port = freePort();
    Verifier verifier = endpoints.verifier();
    try (var udp =
        endpoint(
            port,
            d -> verifier.verify(d, WireLimits.UDP),
            failingHandler(),
            key -> false,
            Duration.ofMillis(200))) {
      var refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              ProtocolException.class,
              () ->
                  ask(
                      port,
                      new Message.Execute(
                          new Message.LibraryTarget("math"), new Message.Call("add", List.of()))));
      assertTrue(refused.getMessage().contains("(WE5050)"), refused.getMessage());
      assertInstanceOf(
          Message.Description.class, ask(port, new Message.Describe(List.of())).message());
      assertEquals(1L, udp.failures().values().stream().mapToLong(Long::longValue).sum());
    }
  }

  private BulkExchange bulk(RequestHandler handler, SourceLimiter sources, BodyBudget budget) {
    return new BulkExchange(
        endpoints.verifier(),
        handler,
        endpoints.signer(),
        sources,
        budget,
        new FairSlots(64, 16),
        weld.select(TrafficLedger.class).get());
  }

  private byte[] signed(Message message) {
    return me.sign(
        Header.fresh(Audience.node(endpoints.signer().fingerprint()), Clock.systemUTC().instant()),
        message);
  }

  /** A signed execute carrying a module of {@code bytes}: a real large body. */
  private byte[] largeSigned(int bytes) {
    return signed(
        new Message.Execute(
            new Message.ModuleTarget(new byte[bytes]),
            new Message.Command(List.of(), Map.of(), new byte[0])));
  }

  /** The bytes a large body is judged by before the rest is read. */
  static byte[] headOf(byte[] message) {
    return java.util.Arrays.copyOf(message, org.weverywhere.protocol.EnvelopeHead.BYTES);
  }

  private static SignedMessage reply(BulkExchange.Reply reply) {
    assertEquals(200, reply.status(), () -> new String(reply.body(), StandardCharsets.UTF_8));
    return Verifier.of(Clock.systemUTC(), Optional.empty(), 100)
        .verify(reply.body(), WireLimits.HTTP);
  }

  private static final InetAddress HERE = InetAddress.getLoopbackAddress();

  @Test
  void aKeyedRequestWhoseAttemptThrowsAnErrorIsReleasedNotLeftInProgress() throws Exception {
    String secret = "/var/lib/secret/libwasmtime_jni.so";
    RequestHandler handler =
        failingHandler(
            new Executor() {
              @Override
              public ExecutionOutcome execute(ExecutionRequest request) {
                throw new UnsatisfiedLinkError(secret + ": cannot open shared object file");
              }
            });
    RequestKey key = RequestKey.random();
    for (int attempt = 0; attempt < 2; attempt++) { // the second was a retry that waited for ever
      var answered =
          CompletableFuture.supplyAsync(
              () ->
                  handler.answer(
                      endpoints
                          .verifier()
                          .verify(
                              signed(
                                  new Message.Execute(
                                          new Message.LibraryTarget("math"),
                                          new Message.Call("add", List.of()))
                                      .withKey(key)),
                              WireLimits.UDP),
                      RequestHandler.Transport.UDP));
      var failed =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.ExecutionException.class,
              () -> answered.get(20, TimeUnit.SECONDS));
      assertInstanceOf(UnsatisfiedLinkError.class, failed.getCause());
    }
    // a retry waiting on such an attempt is told what failed, not the message (a path here)
    String told = RequestHandler.said(new UnsatisfiedLinkError(secret));
    assertTrue(told.contains("UnsatisfiedLinkError") && !told.contains(secret), told);
  }

  @Test
  void overHttpAFailureInsideTheDaemonIsASignedErrorNeverA500() {
    var exchange =
        bulk(
            failingHandler(),
            new SourceLimiter(100, 100, 10, System::nanoTime),
            new BodyBudget(16 << 20, 1 << 20, 2));
    byte[] body =
        signed(
            new Message.Execute(
                new Message.LibraryTarget("math"), new Message.Call("add", List.of())));
    var error =
        assertInstanceOf(
            Message.ErrorReply.class,
            reply(exchange.exchange(HERE, body.length, new ByteArrayInputStream(body))).message());
    assertEquals("WE5050", error.code());
    byte[] describe = signed(new Message.Describe(List.of()));
    assertInstanceOf(
        Message.Description.class,
        reply(exchange.exchange(HERE, describe.length, new ByteArrayInputStream(describe)))
            .message());
    assertEquals(1, exchange.failures().size());
  }

  @Test
  void unverifiableBodiesAreA400AndTheSourceRateA429() {
    var exchange =
        bulk(
            endpoints.handler(),
            new SourceLimiter(1, 2, 10, System::nanoTime),
            new BodyBudget(16 << 20, 1 << 20, 2));
    byte[] garbage = "\u00d2\u0084not cose at all".getBytes(StandardCharsets.ISO_8859_1);
    var bad = exchange.exchange(HERE, garbage.length, new ByteArrayInputStream(garbage));
    assertEquals(400, bad.status());
    assertTrue(
        new String(bad.body(), StandardCharsets.UTF_8).startsWith("WE50"),
        new String(bad.body(), StandardCharsets.UTF_8));
    var shorter = exchange.exchange(HERE, 100, new ByteArrayInputStream(new byte[10]));
    assertEquals(400, shorter.status(), "a body shorter than it says");
    var limited = exchange.exchange(HERE, 10, new ByteArrayInputStream(new byte[10]));
    assertEquals(429, limited.status());
    assertEquals("1", limited.headers().get("Retry-After"));
    assertTrue(new String(limited.body(), StandardCharsets.UTF_8).startsWith("WE5053"));
  }

  @Test
  void unverifiedBodiesStayWithinTheirBudgetAndLargeOnesPerSource() throws Exception {
    var exchange =
        bulk(
            endpoints.handler(),
            new SourceLimiter(1_000, 1_000, 10, System::nanoTime),
            new BodyBudget(8 << 20, 1 << 20, 1));
    // a large body is judged by its head first: these begin as real messages of their size do
    byte[] four = largeSigned(4 << 20);
    var overBudget = exchange.exchange(HERE, four.length, new ByteArrayInputStream(headOf(four)));
    assertEquals(
        503, overBudget.status(), "4 MiB take 12 MiB while verified: more than the 8 MiB budget");
    assertEquals("1", overBudget.headers().get("Retry-After"));
    assertTrue(new String(overBudget.body(), StandardCharsets.UTF_8).startsWith("WE5051"));

    // a large body that arrives slowly holds its source's one large place until it is read
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    // just under 2 MiB with its envelope: 6 MiB while verified, the strangers' three quarters
    byte[] two = largeSigned((2 << 20) - 4096);
    var itsHead = new ByteArrayInputStream(headOf(two));
    InputStream slow =
        new InputStream() {
          @Override
          public int read() throws IOException {
            if (itsHead.available() > 0) {
              return itsHead.read();
            }
            started.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IOException("the sender went away");
          }
        };
    var first = CompletableFuture.supplyAsync(() -> exchange.exchange(HERE, two.length, slow));
    assertTrue(started.await(5, TimeUnit.SECONDS));
    var second = exchange.exchange(HERE, two.length, new ByteArrayInputStream(headOf(two)));
    assertEquals(503, second.status(), "one large body per source at once");
    var other =
        exchange.exchange(
            InetAddress.getByName("127.0.0.2"), 10, new ByteArrayInputStream(new byte[10]));
    assertEquals(
        400, other.status(), "another source is read (and refused for its bytes, not for room)");
    release.countDown();
    assertEquals(400, first.get(10, TimeUnit.SECONDS).status());
    byte[] describe = signed(new Message.Describe(List.of()));
    assertInstanceOf(
        Message.Description.class,
        reply(exchange.exchange(HERE, describe.length, new ByteArrayInputStream(describe)))
            .message());
  }

  @Test
  void datagramsForgedInAGroupKeysNameTakeItsLaneOnlyToFailAndTheKeyIsStillServed()
      throws Exception {
    // A group key's datagrams have a verifying thread and handling threads of their own (a flood
    // from keys in no group never delays them); naming that key without its private key gets a
    // forger that lane's budget and a failed check, nothing more.
    int port = freePort();
    try (var udp =
            endpoint(
                port,
                datagram -> endpoints.verifier().verify(datagram, WireLimits.UDP),
                endpoints.handler(),
                me.fingerprint()::equals,
                Duration.ofMillis(200));
        var socket = new DatagramSocket()) {
      for (int i = 0; i < 300; i++) {
        byte[] forged = signed(new Message.Describe(List.of()));
        forged[forged.length - 1] ^= 1; // the signature's last byte: the envelope still names me
        socket.send(new DatagramPacket(forged, forged.length, HERE, port));
        byte[] truncated = java.util.Arrays.copyOf(forged, 60); // names me, then nothing
        socket.send(new DatagramPacket(truncated, truncated.length, HERE, port));
      }
      assertInstanceOf(
          Message.Description.class, ask(port, new Message.Describe(List.of())).message());
      var sum =
          assertInstanceOf(
              Message.Result.class,
              ask(
                      port,
                      new Message.Execute(
                          new Message.LibraryTarget("math"),
                          new Message.Call(
                              "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(3)))))
                  .message());
      assertEquals(List.of(new Message.WasmValue("i32", 5)), sum.values());
      long refused =
          udp.dropped().entrySet().stream()
              .filter(e -> !e.getKey().startsWith("source-rate"))
              .mapToLong(Map.Entry::getValue)
              .sum();
      assertTrue(refused >= 500, "forgeries counted: " + udp.dropped());
      assertTrue(udp.dropped().getOrDefault("BAD_SIGNATURE", 0L) >= 250, udp.dropped().toString());
      assertTrue(udp.down().isEmpty());
      assertEquals(0, udp.restarts());
    }
  }

  @Test
  void theClaimedSignerIsReadFromTheEnvelopeBeforeAnyCheck() {
    // which verifying queue a datagram waits in: a key of a Signature Group goes first
    assertEquals(
        Optional.of(me.fingerprint()),
        UdpEndpoint.claimedSigner(signed(new Message.Describe(List.of()))));
    assertEquals(
        Optional.empty(),
        UdpEndpoint.claimedSigner("not an envelope".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(Optional.empty(), UdpEndpoint.claimedSigner(new byte[0]));
  }
}
