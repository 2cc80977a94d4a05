package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.BulkConnection;
import org.weverywhere.net.ClientSessions;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.Session;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Sessions (PROTOCOL.md §5a) against a daemon's real beans (Weld SE, real UDP, the HTTP side's
 * handling on the JDK's server): the real clients open one with a signed discover and seal their
 * requests in it over UDP and HTTP; the journal names the handshake's key; a replayed, forged or
 * lost session is refused as the spec says, and a keyed request still runs once whether its
 * attempts come sealed or signed.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsTest {
  private static final TestDaemonConfig TEST =
      TestDaemonConfig.prepare(
          "sessions", List.of("math.wasi"), "group.anonymous.privileges = execute");

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;
  @Inject Endpoints endpoints;

  private LoopbackBulkServer http;
  private MessageSigner me;
  private ClientSessions sessions;

  @BeforeEach
  void serveHttp() throws IOException {
    http = LoopbackBulkServer.start(endpoints, TEST.httpPort());
    me = new MessageSigner(Ed25519.generate());
    sessions = new ClientSessions(me, Clock.systemUTC());
    // the first execution compiles math: a cold daemon may take longer than a request's budget
    new UdpClient(new MessageSigner(Ed25519.generate()), clientVerifier(), Clock.systemUTC())
        .request(udp(), node(), add(0, 1), Duration.ofSeconds(30));
  }

  @AfterEach
  void stopHttp() {
    http.close();
  }

  @AfterAll
  void clear() {
    TestDaemonConfig.clear();
  }

  private static Verifier clientVerifier() {
    return Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000);
  }

  /** An HTTP client of {@code signer} that seals in {@code held}, with this test's waits. */
  private static BulkClient bulk(MessageSigner signer, ClientSessions held) {
    return new BulkClient(
            signer,
            clientVerifier(),
            Clock.systemUTC(),
            Duration.ofSeconds(3),
            Duration.ofSeconds(10),
            WireLimits.HTTP)
        .withSessions(held);
  }

  private InetSocketAddress udp() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), TEST.udpPort());
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + TEST.httpPort());
  }

  private Fingerprint node() {
    return daemon.identity().nodeId();
  }

  private static Message.Execute add(int a, int b) {
    return new Message.Execute(
        new Message.LibraryTarget("math"),
        new Message.Call("add", List.of(Message.WasmValue.i32(a), Message.WasmValue.i32(b))));
  }

  private static int sum(Message reply) {
    return (int) assertInstanceOf(Message.Result.class, reply).values().get(0).bits();
  }

  /**
   * The {@code name} events of a running recording, the five executes' among them: a request's
   * event is committed after its reply is sent, so the client can have its answer a moment before
   * the last event is in. Dumps until five executes are there or 10 s have passed, then stops.
   */
  private static List<jdk.jfr.consumer.RecordedEvent> committed(
      jdk.jfr.Recording recording, Path file, String name) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<jdk.jfr.consumer.RecordedEvent> events;
    while (true) {
      recording.dump(file);
      events =
          jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
              .filter(e -> e.getEventType().getName().equals(name))
              .toList();
      long executes = events.stream().filter(e -> e.getString("type").equals("execute")).count();
      if (executes >= 5 || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(20);
    }
    recording.stop();
    Files.deleteIfExists(file);
    return events;
  }

  /**
   * The request path's timeline (issue 16): with a JFR recording asking for {@code
   * org.weverywhere.UdpRequest}, each UDP request answered leaves one event whose stages (queued,
   * verify, hand-off, handle, sign, journal wait, send) are each measured and add up to the time
   * from receiving to sending; without a recording, none is written.
   */
  @Test
  void aRecordingSeesEachUdpRequestsStages() throws Exception {
    var udpClient = new UdpClient(me, clientVerifier(), Clock.systemUTC(), sessions);
    Path file = Files.createTempFile("we-timeline", ".jfr");
    List<jdk.jfr.consumer.RecordedEvent> events;
    try (var recording = new jdk.jfr.Recording()) {
      recording.enable("org.weverywhere.UdpRequest");
      recording.start();
      for (int i = 0; i < 5; i++) {
        assertEquals(
            i + 2,
            sum(udpClient.request(udp(), node(), add(i, 2), Duration.ofSeconds(5)).message()));
      }
      events =
          committed(recording, file, "org.weverywhere.UdpRequest").stream()
              .filter(e -> e.getString("type").equals("execute"))
              .toList();
    }
    assertEquals(5, events.size(), "one event per execute answered: " + events);
    for (var event : events) {
      long sum = 0;
      for (String stage :
          List.of("queued", "verify", "handOff", "handle", "sign", "journalWait", "send")) {
        long span = event.getLong(stage);
        assertTrue(span >= 0, stage + " " + span + " in " + event);
        sum += span;
      }
      assertEquals(event.getLong("total"), sum, "the stages add up: " + event);
      assertTrue(event.getLong("handle") > 0, "the execution took time: " + event);
      assertTrue(event.getBoolean("sealed"), "the session's requests came sealed: " + event);
    }
  }

  /**
   * The HTTP bulk channel's timeline (issue 16): with a recording asking for {@code
   * org.weverywhere.HttpRequest}, each request answered leaves one event whose stages (read,
   * verify, handle, sign, journal wait, write) add up to the time from entering the resource to the
   * reply written; a body refused before its signature leaves none.
   */
  @Test
  void aRecordingSeesEachHttpRequestsStages() throws Exception {
    var bulk =
        new BulkClient(
                me,
                clientVerifier(),
                Clock.systemUTC(),
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                WireLimits.HTTP)
            .withSessions(sessions);
    Path file = Files.createTempFile("we-timeline", ".jfr");
    List<jdk.jfr.consumer.RecordedEvent> events;
    try (var recording = new jdk.jfr.Recording()) {
      recording.enable("org.weverywhere.HttpRequest");
      recording.start();
      for (int i = 0; i < 5; i++) {
        assertEquals(i + 2, sum(bulk.request(base(), node(), add(i, 2)).message()));
      }
      try (var garbage =
          new BulkConnection(base(), Duration.ofSeconds(3), Duration.ofSeconds(10), 4096)) {
        assertEquals(400, garbage.post(new byte[] {1, 2, 3}).status());
      }
      events = committed(recording, file, "org.weverywhere.HttpRequest");
    }
    List<jdk.jfr.consumer.RecordedEvent> executes =
        events.stream().filter(e -> e.getString("type").equals("execute")).toList();
    assertEquals(5, executes.size(), "one event per execute answered: " + events);
    assertEquals(
        events.size() - 5,
        events.stream().filter(e -> e.getString("type").equals("discover")).count(),
        "besides them only the session's handshake, and nothing for the garbage: " + events);
    for (var event : executes) {
      long sum = 0;
      for (String stage : List.of("read", "verify", "handle", "sign", "journalWait", "write")) {
        long span = event.getLong(stage);
        assertTrue(span >= 0, stage + " " + span + " in " + event);
        sum += span;
      }
      assertEquals(event.getLong("total"), sum, "the stages add up: " + event);
      assertTrue(event.getLong("handle") > 0, "the execution took time: " + event);
      assertTrue(event.getBoolean("sealed"), "the session's requests came sealed: " + event);
    }
  }

  @Test
  void requestsGoSealedOverUdpAndHttpInOneSessionAndTheJournalNamesTheHandshakesKey()
      throws Exception {
    var udpClient = new UdpClient(me, clientVerifier(), Clock.systemUTC(), sessions);
    var bulk = bulk(me, sessions);
    for (int i = 0; i < 10; i++) {
      var reply = udpClient.request(udp(), node(), add(i, 40), Duration.ofSeconds(3));
      assertEquals(i + 40, sum(reply.message()));
      assertTrue(reply.session().isPresent(), "the reply came sealed");
    }
    Session session = sessions.current(node()).orElseThrow();
    assertEquals(10, session.sent());
    var overHttp = bulk.request(base(), node(), add(1, 2));
    assertEquals(3, sum(overHttp.message()));
    assertEquals(session, overHttp.session().orElseThrow().session(), "the same session");
    assertEquals(session.idText(), endpoints.sessions().find(session.id()).idText());

    List<JsonNode> finished = events("org.weverywhere.execution.finished", session.idText());
    assertEquals(11, finished.size());
    for (JsonNode event : finished) {
      assertEquals(me.fingerprint().toString(), event.path("requester").asText());
      assertEquals(
          java.util.Base64.getEncoder().encodeToString(session.handshakeSignature()).length(),
          event.path("signature").asText().length());
    }
    List<JsonNode> opened = events("org.weverywhere.session.opened", session.idText());
    assertEquals(1, opened.size());
    assertEquals(me.fingerprint().toString(), opened.get(0).path("requester").asText());
    // the bill's signature for sealed requests is the handshake discover's, which the journal has
    assertEquals(
        opened.get(0).path("signature").asText(), finished.get(0).path("signature").asText());
  }

  @Test
  void aReplayedSealedDatagramIsNotAnsweredAndAKeyedRequestRunsOnceSealedOrSigned()
      throws Exception {
    var udpClient = new UdpClient(me, clientVerifier(), Clock.systemUTC(), sessions);
    udpClient.request(udp(), node(), add(0, 0), Duration.ofSeconds(3)); // opens the session
    Session session = sessions.current(node()).orElseThrow();
    Message keyed = add(20, 22).withKey(RequestKey.random());
    byte[] sealed =
        session.seal(Header.fresh(Audience.node(node()), Clock.systemUTC().instant()), keyed);
    long replaysBefore = endpoints.dropped().getOrDefault("SESSION_REPLAYED", 0L);
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(udp());
      channel.write(ByteBuffer.wrap(sealed));
      assertNotEquals(null, receive(channel, Duration.ofSeconds(3)), "the first is answered");
      channel.write(ByteBuffer.wrap(sealed));
      assertNull(receive(channel, Duration.ofMillis(500)), "a replay is not answered");
    }
    assertEquals(replaysBefore + 1, endpoints.dropped().getOrDefault("SESSION_REPLAYED", 0L));
    // the same request key, signed this time: the kept result, not a second run
    var plain = new UdpClient(me, clientVerifier(), Clock.systemUTC());
    assertEquals(42, sum(plain.request(udp(), node(), keyed, Duration.ofSeconds(3)).message()));
    String key = RequestKey.of(keyed).orElseThrow().toString();
    long runs =
        events("org.weverywhere.execution.finished", null).stream()
            .filter(e -> e.path("requestKey").asText().equals(key))
            .count();
    assertEquals(1, runs, "one execution.finished for the key");
  }

  @Test
  void aForgedOrUnknownSessionIsA400OverHttpAndSilenceOverUdp() throws Exception {
    var bulk = bulk(me, sessions);
    bulk.request(base(), node(), add(1, 1));
    Session real = sessions.current(node()).orElseThrow();
    // a thief who knows the session id but not its keys: the id of the real session, other keys
    MessageSigner thief = new MessageSigner(Ed25519.generate());
    ClientSessions theirs = new ClientSessions(thief, Clock.systemUTC());
    bulk(thief, theirs).request(base(), node(), add(1, 1));
    byte[] forged =
        theirs
            .current(node())
            .orElseThrow()
            .seal(Header.fresh(Audience.node(node()), Clock.systemUTC().instant()), add(5, 5));
    System.arraycopy(real.id(), 0, forged, 10, 8); // the stolen id in the protected header
    assertTrue(post(forged).startsWith("400 WE5081"), post(forged));
    byte[] unknown = forged.clone();
    unknown[10] ^= (byte) 0xff;
    unknown[11] ^= (byte) 0xff;
    assertTrue(post(unknown).startsWith("400 WE5080"), post(unknown));
    long before = endpoints.dropped().getOrDefault("SESSION_UNKNOWN", 0L);
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(udp());
      channel.write(ByteBuffer.wrap(unknown));
      assertNull(receive(channel, Duration.ofMillis(500)), "no answer over UDP");
    }
    assertEquals(before + 1, endpoints.dropped().getOrDefault("SESSION_UNKNOWN", 0L));
  }

  @Test
  void aSessionTheDaemonForgotCostsOneFallbackOverHttpAndUdpAndIsThenReplaced() {
    var udpClient = new UdpClient(me, clientVerifier(), Clock.systemUTC(), sessions);
    var bulk = bulk(me, sessions);
    assertEquals(2, sum(bulk.request(base(), node(), add(1, 1)).message()));
    Session first = sessions.current(node()).orElseThrow();
    endpoints.sessions().clear(); // as a restart does
    var again = bulk.request(base(), node(), add(2, 2));
    assertEquals(4, sum(again.message()));
    assertTrue(again.session().isEmpty(), "answered signed after WE5080");
    assertTrue(sessions.current(node()).isEmpty(), "the lost session is dropped");
    var next = udpClient.request(udp(), node(), add(3, 3), Duration.ofSeconds(3));
    assertEquals(6, sum(next.message()));
    Session second = sessions.current(node()).orElseThrow();
    assertNotEquals(first.idText(), second.idText());
    endpoints.sessions().clear();
    // over UDP the sealed attempt goes unanswered and the signed retransmission is answered
    var afterLoss = udpClient.request(udp(), node(), add(4, 4), Duration.ofSeconds(3));
    assertEquals(8, sum(afterLoss.message()));
    assertTrue(afterLoss.session().isEmpty());
    assertTrue(sessions.current(node()).isEmpty());
  }

  private String post(byte[] body) throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base().resolve(BulkClient.PATH))
                    .header("Content-Type", BulkClient.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body().strip();
  }

  private static byte[] receive(DatagramChannel channel, Duration wait) throws IOException {
    channel.configureBlocking(false);
    long end = System.nanoTime() + wait.toNanos();
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    try (var selector = java.nio.channels.Selector.open()) {
      channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
      while (System.nanoTime() < end) {
        if (selector.select(Math.max(1, (end - System.nanoTime()) / 1_000_000)) > 0) {
          selector.selectedKeys().clear();
          if (channel.receive(buffer) != null) {
            return java.util.Arrays.copyOf(buffer.array(), buffer.position());
          }
        }
      }
    }
    return null;
  }

  /** The journal's events of {@code type}, those of session {@code id} when it is not null. */
  private static List<JsonNode> events(String type, String id) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    var json = new ObjectMapper();
    try (var files = Files.list(TEST.dir().resolve("state/events"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.startsWith("{")) {
            continue;
          }
          JsonNode event = json.readTree(line);
          if (event.path("type").asText().equals(type)
              && (id == null || event.path("data").path("session").asText().equals(id))) {
            found.add(event.path("data"));
          }
        }
      }
    }
    return found;
  }
}
