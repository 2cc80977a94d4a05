package org.weverywhere.daemon.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.endpoint.PoisonedCallTest;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.events.SmallDisk;
import org.weverywhere.exec.ManyFunctionsModule;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.ControlClient;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.EnvelopeHead;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageId;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedFuzz;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.service.ImpostorPeer;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Issue 13's hostile regression suite against the real daemon: the WAR this build made, on Open
 * Liberty ({@link LibertyDaemon}), attacked over UDP and the HTTP bulk channel on loopback the way
 * the security review did, one test per finding that a stranger on the network can reach, plus
 * validly signed fuzz on both endpoints ({@code hostile.fuzz.count} messages per endpoint, 200 by
 * default; {@code hostile.fuzz.seed}). After each test the daemon must still serve a trusted key
 * and say it is ready. Services and peers (items 5, 10, 11, 13) are configured through the files
 * alone: {@code kv} bound to this daemon itself as a peer, {@code far} pinned to a node that the
 * test's impostor (a UDP socket answering with its own key) is not. The start-time half of item 9
 * (a file at the control socket's path) is about the local file system and is tested at bean level:
 * docs/SECURITY.md says which and why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final KeyPair FRIEND = Ed25519.generate();
  private static final KeyPair FETCHER = Ed25519.generate();
  private static final KeyPair OPERATOR = Ed25519.generate();
  private static final KeyPair TEAM = Ed25519.generate();
  private static final KeyPair RELAY = Ed25519.generate();

  /** How long the daemon holds back a refusal of a stranger's unread body. */
  private static final Duration HOLD = Duration.ofSeconds(5);

  /** Answers for service {@code far} with a key of its own (item 11). */
  private static ImpostorPeer impostor;

  private static Path base;
  private static Path journalDisk;
  private static boolean smallDisk;
  private static LibertyDaemon daemon;

  @BeforeAll
  static void startDaemon() throws Exception {
    base = ScratchDirectories.create("we-hostile-it");
    journalDisk = Files.createDirectories(base.resolve("journal-disk"));
    smallDisk = SmallDisk.mount(journalDisk, "4m");
    impostor = ImpostorPeer.start();
    daemon =
        LibertyDaemon.builder()
            .name("hostile")
            .readyTimeout(Duration.ofMinutes(6)) // a shared CI machine took 3 min to start it
            .library(EXAMPLES.resolve("math.wasi"))
            .library(EXAMPLES.resolve("hello.wasi"))
            .library(EXAMPLES.resolve("fixtures/loop.wasm"))
            .library(EXAMPLES.resolve("kv.wasi"))
            .library(EXAMPLES.resolve("caller.wasi"))
            .library(EXAMPLES.resolve("fixtures/farcaller.wasm"))
            .line(
                "group.anonymous.privileges = execute",
                "group.anonymous.quota.network.rate = 4MiB/s",
                "group.anonymous.quota.cpu-time.per-execution = 100ms",
                "group.friends.privileges = execute, fetch, observe",
                "group.friends.quota.cores = 1",
                "group.fetchers.privileges = fetch",
                "group.fetchers.quota.network.rate = 32KiB/s",
                "group.fetchers.quota.network.period-bytes = 200KiB",
                "group.operators.privileges = control",
                "http.unverified.max-total = 8MiB",
                "http.unverified.large-per-source = 1",
                // long enough that a refusal held back cannot pass for one sent at once (item 8)
                "http.stranger-refusal.delay = " + HOLD.toSeconds() + "s",
                "http.stranger-refusal.max-held = 4",
                "events.refusals.interval = 1s",
                // a replay after a restart must still be inside the window: only the horizon
                // can refuse it (item 7)
                "protocol.clock-skew = 10m",
                "events.journal.dir = " + journalDisk.resolve("events"),
                // items 5, 10, 11, 13: services kept here under a group of their own (keepers),
                // kv bound to this daemon itself as a peer, callable by team only; far pinned to a
                // node the impostor is not
                "group.team.privileges = execute",
                "group.relays.privileges = execute, relay",
                "group.keepers.quota.memory = 64MiB",
                "group.keepers.quota.memory.per-execution = 16MiB",
                "services.kvhere.library = kv",
                "services.kvhere.group = keepers",
                "services.math.library = math",
                "services.math.group = keepers",
                "services.kv.peer-service = kvhere",
                "services.kv.callers = team",
                "services.far.peer = 127.0.0.1:" + impostor.port(),
                "services.far.peer-node = " + impostor.pinnedNode(),
                "calls.timeout = 2s")
            .lineNamingItself(self -> "services.kv.peer = 127.0.0.1:" + self.getPort())
            .groupKey("friends", "friend", FRIEND.getPublic())
            .groupKey("team", "member", TEAM.getPublic())
            .groupKey("relays", "relay", RELAY.getPublic())
            .groupKey("fetchers", "fetcher", FETCHER.getPublic())
            .groupKey("operators", "operator", OPERATOR.getPublic())
            .start();
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      if (impostor != null) {
        impostor.close();
      }
      if (smallDisk) {
        SmallDisk.unmount(journalDisk);
      }
    }
  }

  /** What readiness says is wrong: {@code []} when {@code /health/ready} is UP, else its body. */
  private static String problems() throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(daemon.httpBase().resolve("health/ready"))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? "[]" : response.body();
  }

  /**
   * A describe that fits a datagram's page: the four services of items 5, 10, 11 and 13 fill one on
   * their own, and a describe of everything over UDP is refused with WE5003 ("describe over HTTP").
   */
  private static final Message.Describe UDP_DESCRIBE =
      new Message.Describe(List.of("host", "libraries"));

  private static Fingerprint node() {
    return daemon.nodeId();
  }

  private static SignedMessage ask(KeyPair key, Message message, Duration wait) {
    var client =
        new UdpClient(
            new MessageSigner(key),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC());
    return client.request(daemon.udpAddress(), node(), message, wait, 3);
  }

  private static SignedMessage askHttp(KeyPair key, Message message) {
    return new BulkClient(
            new MessageSigner(key),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            WireLimits.HTTP)
        .request(daemon.httpBase(), node(), message);
  }

  private static HttpResponse<String> post(byte[] body) throws Exception {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .build()
        .send(
            HttpRequest.newBuilder(daemon.httpBase().resolve(BulkClient.PATH.substring(1)))
                .header("Content-Type", BulkClient.MEDIA_TYPE)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The daemon still answers a trusted key over both transports, and says nothing is wrong. */
  private static void stillAnswers() throws Exception {
    assertInstanceOf(
        Message.Description.class, ask(FRIEND, UDP_DESCRIBE, Duration.ofSeconds(2)).message());
    assertInstanceOf(
        Message.Description.class, askHttp(FRIEND, new Message.Describe(List.of())).message());
    var result =
        assertInstanceOf(
            Message.Result.class, ask(FRIEND, add(20, 22), Duration.ofSeconds(5)).message());
    assertEquals(List.of(new Message.WasmValue("i32", 42)), result.values());
    assertEquals("[]", problems());
  }

  /** The answer to a body sent in part: its status line, and its reader at the next line. */
  private record PartAnswer(String status, BufferedReader reader) {}

  /** The head of a POST to the bulk channel of a body said to be {@code declared} bytes long. */
  private static byte[] postHead(long declared) {
    return ("POST "
            + BulkClient.PATH
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            + BulkClient.MEDIA_TYPE
            + "\r\nContent-Length: "
            + declared
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Posts a body that says it has {@code declared} bytes on a raw connection, sending its HTTP head
   * and the first {@code first} bytes of {@code body} in one write, then more only while no answer
   * comes. Liberty dispatches a request at once when its first body bytes come with its head; when
   * they come in a later segment, only once more of the body has arrived (measured on this build:
   * not after 1,000 more bytes, always after 64 KiB), so a sender that stops after the head may
   * wait for ever with no thread of the daemon busy. A real sender sends on, and so does this one,
   * 64 KiB every 2 s up to a quarter of the declared length: the daemon must have answered by then.
   */
  private static PartAnswer postPartly(Socket socket, byte[] body, int first, long declared)
      throws IOException {
    var start = new ByteArrayOutputStream();
    start.write(postHead(declared));
    start.write(body, 0, first);
    socket.getOutputStream().write(start.toByteArray());
    socket.getOutputStream().flush();
    var in = new java.io.PushbackInputStream(socket.getInputStream());
    long sent = first;
    socket.setSoTimeout(2_000);
    while (true) {
      try {
        int b = in.read(); // one byte, so that a timeout consumes nothing
        if (b >= 0) {
          in.unread(b);
        }
        break;
      } catch (java.net.SocketTimeoutException notYet) {
        if (sent >= declared / 4) {
          throw new AssertionError(
              "no answer after "
                  + sent
                  + " of "
                  + declared
                  + " body bytes\n"
                  + daemon.logTail(60)
                  + "\n"
                  + daemon.threadDump(),
              notYet);
        }
        int n = (int) Math.min(64 * 1024, declared / 4 - sent);
        socket.getOutputStream().write(body, (int) sent, n);
        sent += n;
      }
    }
    socket.setSoTimeout(20_000);
    var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
    return new PartAnswer(reader.readLine(), reader);
  }

  private static Message.Execute add(int a, int b) {
    return new Message.Execute(
        new Message.LibraryTarget("math"),
        new Message.Call("add", List.of(Message.WasmValue.i32(a), Message.WasmValue.i32(b))));
  }

  private static byte[] example(String name) throws IOException {
    return Files.readAllBytes(EXAMPLES.resolve(name));
  }

  private static List<Message> seeds() {
    return List.of(
        new Message.Discover(),
        new Message.Describe(List.of()),
        add(1, 2),
        new Message.Fetch("math", Optional.empty()),
        new Message.ServiceCall(
            "kv", "get", List.of(), List.of(MessageId.random()), Optional.of("SHA256:x")),
        new Message.Control("status", Map.of(), Optional.empty()));
  }

  @Test
  @Order(1)
  void item1OnePoisonedCallSilencesNeitherUdpNorHttp() throws Exception {
    // the review's datagram: a call whose chain holds the all-zero message id
    byte[] wire = PoisonedCallTest.poisonedCall(Ed25519.generate());
    try (var socket = new DatagramSocket()) {
      for (int i = 0; i < 3; i++) {
        socket.send(new DatagramPacket(wire, wire.length, daemon.udpAddress()));
      }
    }
    var response = post(wire);
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(response.body().startsWith("WE5001 "), response.body());
    stillAnswers();
  }

  @Test
  @Order(2)
  void item1ValidlySignedFuzzNeverSilencesUdpNorGivesA500() throws Exception {
    int count = Integer.getInteger("hostile.fuzz.count", 200);
    long seed = Long.getLong("hostile.fuzz.seed", System.nanoTime());
    System.out.println("hostile fuzz: " + count + " messages per endpoint, seed " + seed);
    var fuzz = new SignedFuzz(Ed25519.generate(), seed);
    try (var socket = new DatagramSocket()) {
      for (int i = 0; i < count; i++) {
        byte[] wire =
            fuzz.next(
                Header.fresh(Audience.node(node()), Clock.systemUTC().instant()), seeds(), 1000);
        if (wire.length <= WireLimits.UDP_DATAGRAM_BYTES) {
          socket.send(new DatagramPacket(wire, wire.length, daemon.udpAddress()));
        }
        if (i % 100 == 99) {
          Thread.sleep(20); // within the source's rate: the fuzz must reach the decoder
        }
      }
    }
    for (int i = 0; i < count; i++) {
      byte[] wire =
          fuzz.next(
              Header.fresh(Audience.node(node()), Clock.systemUTC().instant()), seeds(), 4000);
      var response = post(wire);
      assertTrue(
          Set.of(200, 400, 429, 503).contains(response.statusCode()),
          "seed " + seed + ": status " + response.statusCode() + ": " + response.body());
      assertTrue(
          !response.body().contains("\tat ") && !response.body().contains("Exception"),
          "seed " + seed + ": a stack trace: " + response.body());
    }
    stillAnswers();
  }

  @Test
  @Order(3)
  void item2ATableGrownByAnAnonymousModuleStopsAtItsGrant() throws Exception {
    long rssBefore = rss();
    KeyPair anonymous = Ed25519.generate();
    var grown =
        assertInstanceOf(
            Message.Result.class,
            askHttp(
                    anonymous,
                    new Message.Execute(
                        new Message.ModuleTarget(example("fixtures/tablebomb.wasm")),
                        new Message.Call("grow", List.of())))
                .message());
    assertEquals("completed", grown.outcome());
    int elements = (int) grown.values().getFirst().bits();
    // the grant of anonymous (16 MiB per execution) at 8 or 16 bytes an element, never 2^25
    assertTrue(elements > 0 && elements <= 2 << 20, "grew to " + elements);
    assertTrue(grown.cpuNanos() < TimeUnit.MILLISECONDS.toNanos(100), "cpu " + grown.cpuNanos());
    var tooBig =
        assertThrows(
            ProtocolException.class,
            () ->
                askHttp(
                    anonymous,
                    new Message.Execute(
                        new Message.ModuleTarget(example("fixtures/bigtable.wasm")),
                        new Message.Command(List.of("bigtable"), Map.of(), new byte[0]))));
    assertTrue(tooBig.getMessage().contains("WE2020"), tooBig.getMessage());
    long grew = rss() - rssBefore;
    assertTrue(grew < 256L << 20, "the daemon's RSS grew by " + (grew >> 20) + " MiB");
    stillAnswers();
  }

  @Test
  @Order(4)
  void item3AFloodOfExecutionsFromOneKeyLeavesATrustedKeysDescribeAndExecuteAnswered()
      throws Exception {
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    var flooders = Executors.newFixedThreadPool(4);
    var spin =
        new Message.Execute(
            new Message.LibraryTarget("loop"),
            new Message.Command(List.of(), Map.of(), new byte[0]));
    var signer = new MessageSigner(Ed25519.generate()); // one anonymous key, four threads
    List<CompletableFuture<Void>> floods = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      floods.add(
          CompletableFuture.runAsync(
              () -> {
                try (var socket = new DatagramSocket()) {
                  // ≈ 100 executions a second per thread, bounded in count
                  for (int i = 0; i < 2_000 && flooding.get(); i++) {
                    byte[] wire =
                        signer.sign(
                            Header.fresh(Audience.node(node()), Clock.systemUTC().instant()), spin);
                    socket.send(new DatagramPacket(wire, wire.length, daemon.udpAddress()));
                    sent.incrementAndGet();
                    Thread.sleep(10);
                  }
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              flooders));
    }
    try {
      Thread.sleep(1_000); // the flood fills what it can
      for (int i = 0; i < 6; i++) {
        long start = System.nanoTime();
        assertInstanceOf(
            Message.Description.class,
            ask(FRIEND, UDP_DESCRIBE, Duration.ofSeconds(1)).message(),
            "describe " + i);
        var result =
            assertInstanceOf(
                Message.Result.class, ask(FRIEND, add(i, 1), Duration.ofSeconds(2)).message());
        assertEquals(List.of(new Message.WasmValue("i32", i + 1)), result.values());
        long took = System.nanoTime() - start;
        // bounded, not a benchmark (AttackBenchmark measures p99): before the fix most were
        // never answered
        assertTrue(took < TimeUnit.SECONDS.toNanos(10), "answered in " + took / 1_000_000 + " ms");
      }
    } finally {
      flooding.set(false);
      CompletableFuture.allOf(floods.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      flooders.shutdown();
    }
    assertTrue(sent.get() > 200, "the flood ran: " + sent.get());
    Thread.sleep(1_500); // the flood's executions end (100 ms of CPU each)
    stillAnswers();
  }

  @Test
  @Order(5)
  void item4RefusalsAreSummarizedNotJournaledOneByOne() throws Exception {
    Path events = journalDisk.resolve("events");
    KeyPair anonymous = Ed25519.generate();
    int refused = 0;
    long began = System.nanoTime();
    var client =
        new UdpClient(
            new MessageSigner(anonymous),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 10_000),
            Clock.systemUTC());
    for (int i = 0; i < 500; i++) { // fetch needs a privilege anonymous lacks
      try {
        client.request(
            daemon.udpAddress(),
            node(),
            new Message.Fetch("math", Optional.empty()),
            Duration.ofMillis(500),
            1);
      } catch (ProtocolException e) {
        refused += e.getMessage().contains("WE5020") ? 1 : 0;
      }
    }
    assertTrue(refused >= 450, "refused: " + refused);
    String requester = Fingerprint.of(anonymous.getPublic()).toString();
    long counted = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (counted < refused && System.nanoTime() < deadline) {
      Thread.sleep(200);
      counted = summarized(events, requester);
    }
    assertTrue(counted >= refused, "requests.refused summaries count " + counted);
    long lines = 0;
    long bytes = 0;
    try (var files = Files.list(events)) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.contains(requester)) {
            lines++;
            bytes += line.length();
          }
        }
      }
    }
    // one summary row per interval (1 s) while the key is refused, each ≈500 bytes: not one event
    // of ≈600 bytes per refusal
    long intervals = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + 2;
    assertTrue(
        lines <= intervals && bytes < 30_000,
        refused
            + " refusals in "
            + intervals
            + " intervals took "
            + lines
            + " lines, "
            + bytes
            + " bytes of journal");
    stillAnswers();
  }

  /** How many refusals the requests.refused summaries count for {@code requester}. */
  private static long summarized(Path dir, String requester) throws IOException {
    long counted = 0;
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.contains("\"org.weverywhere.requests.refused\"")) {
            continue;
          }
          for (JsonNode row : JSON.readTree(line).path("data").path("counts")) {
            if (row.path("requester").asText().equals(requester)) {
              counted += row.path("count").asLong();
            }
          }
        }
      }
    }
    return counted;
  }

  @Test
  @Order(6)
  void item4AFullJournalDiskRefusesWorkTurnsHealthDownAndRecoversByItself() throws Exception {
    Assumptions.assumeTrue(smallDisk, "needs root to mount a small tmpfs for the journal");
    Path filler = SmallDisk.fill(journalDisk);
    try {
      String refusal = "";
      for (int i = 0; i < 200 && !refusal.contains("WE8010"); i++) {
        try {
          ask(FRIEND, add(1, 1), Duration.ofSeconds(2));
        } catch (ProtocolException e) {
          refusal = e.getMessage();
        }
      }
      assertTrue(refusal.contains("WE8010"), refusal);
      assertTrue(problems().contains("WE8010"), "readiness is DOWN with the reason");
      assertInstanceOf(
          Message.Description.class,
          ask(FRIEND, UDP_DESCRIBE, Duration.ofSeconds(2)).message(),
          "discovery and describe still answer");
    } finally {
      Files.delete(filler);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!problems().equals("[]") && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    stillAnswers();
  }

  @Test
  @Order(7)
  void item6ConcurrentFetchesAreReservedPacedAndEachAnsweredWithinItsBudget() throws Exception {
    // hello.wasi is ≈34 KB; the fetchers may move 32 KiB/s and 200 KiB per period. On Liberty one
    // of ten such fetches once went unanswered for over 60 s (docs/SECURITY.md, item 6)
    long began = System.nanoTime();
    var first =
        assertInstanceOf(
            Message.ModuleReply.class,
            askHttp(FETCHER, new Message.Fetch("hello", Optional.empty())).message());
    int size = first.module().length;
    assertTrue(size > 30_000, "hello.wasi: " + size);
    var pool = Executors.newFixedThreadPool(10);
    List<CompletableFuture<String>> fetches = new ArrayList<>();
    List<Long> tookMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    // sent as a client with the JDK's defaults sends them: each new connection asks for HTTP/2 by
    // an h2c upgrade, which Liberty left one of ten unanswered for (its endpoint now speaks
    // HTTP/1.1)
    HttpClient upgrading = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < 10; i++) {
      fetches.add(
          CompletableFuture.supplyAsync(
              () -> {
                long start = System.nanoTime();
                try {
                  return fetchUpgrading(upgrading, FETCHER, "hello");
                } finally {
                  tookMillis.add((System.nanoTime() - start) / 1_000_000);
                }
              },
              pool));
    }
    int served = 0;
    List<String> refusals = new ArrayList<>();
    try {
      for (var fetch : fetches) {
        // askHttp gives up after 60 s; nothing may be left hanging beyond that
        String reply = fetch.get(90, TimeUnit.SECONDS);
        if (reply.equals("module")) {
          served++;
        } else {
          refusals.add(reply);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    for (String refusal : refusals) {
      assertTrue(
          refusal.startsWith("WE5022 ")
              && (refusal.contains("for this period") || refusal.contains("over its rate")),
          "refused with a clear code, before a byte was sent: " + refusal);
    }
    assertEquals(10, served + refusals.size());
    assertTrue(
        served <= 4, "at most the period's 200 KiB leave: " + served + " modules after the first");
    // the whole exchange is paced: each answered well within the client's 60 s, and the bytes
    // sent never beat the group's rate (one second of burst allowed)
    for (long took : tookMillis) {
      assertTrue(took < 30_000, "a fetch took " + took + " ms; all: " + tookMillis);
    }
    long sent = (long) (served + 1) * size;
    assertTrue(
        sent <= 32 * 1024 * (seconds + 1) + size,
        sent + " bytes in " + seconds + " s at a rate of 32 KiB/s");
    stillAnswers();
  }

  /**
   * {@code module}, or the refusal's code and message, or what went wrong: a fetch posted by a JDK
   * client at its default version (HTTP/2, asked for by an h2c upgrade on a plain connection).
   */
  private static String fetchUpgrading(HttpClient http, KeyPair key, String library) {
    byte[] wire =
        new MessageSigner(key)
            .sign(
                Header.fresh(Audience.node(node()), Clock.systemUTC().instant()),
                new Message.Fetch(library, Optional.empty()));
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(daemon.httpBase().resolve(BulkClient.PATH.substring(1)))
                  .header("Content-Type", BulkClient.MEDIA_TYPE)
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(wire))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return "no answer: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    if (response.statusCode() != 200) {
      return "HTTP "
          + response.statusCode()
          + ": "
          + new String(response.body(), StandardCharsets.UTF_8);
    }
    Message reply =
        Verifier.of(Clock.systemUTC(), Optional.empty(), 1000)
            .verify(response.body(), WireLimits.HTTP)
            .message();
    return switch (reply) {
      case Message.ModuleReply module -> "module";
      case Message.ErrorReply error -> error.code() + " " + error.message();
      default -> "unexpected " + reply.type();
    };
  }

  @Test
  @Order(8)
  void item8UnverifiedBodiesBeyondTheBudgetGet503WithRetryAfter() throws Exception {
    // a real message of 4 MiB (12 MiB while verified, over the 8 MiB budget), of which the head
    // is sent first: a large body is judged by its head, then refused before the rest is read
    byte[] message =
        new MessageSigner(Ed25519.generate())
            .sign(
                Header.fresh(Audience.node(daemon.nodeId()), Clock.systemUTC().instant()),
                new Message.Execute(
                    new Message.ModuleTarget(new byte[4 << 20]),
                    new Message.Command(List.of(), Map.of(), new byte[0])));
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), daemon.httpPort())) {
      PartAnswer answer = postPartly(socket, message, EnvelopeHead.BYTES, message.length);
      String status = answer.status();
      assertTrue(status != null && status.startsWith("HTTP/1.1 503"), status);
      boolean retryAfter = false;
      for (String line = answer.reader().readLine();
          line != null && !line.isEmpty();
          line = answer.reader().readLine()) {
        retryAfter |= line.equalsIgnoreCase("Retry-After: 1");
      }
      assertTrue(retryAfter, "Retry-After");
    }
    stillAnswers();
  }

  @Test
  @Order(8)
  void item8ALargeBodyThatCannotVerifyIsRefusedByItsHeadAndItsConnectionClosed() throws Exception {
    // AttackBenchmark's unverified-bodies flood: 4 MiB said, a tag and zeros; 100 bytes sent first
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), daemon.httpPort())) {
      byte[] body = new byte[4 << 20];
      body[0] = (byte) 0xd2;
      PartAnswer answer = postPartly(socket, body, 100, body.length);
      String status = answer.status();
      assertTrue(status != null && status.startsWith("HTTP/1.1 400"), status);
      boolean close = false;
      String line;
      for (line = answer.reader().readLine();
          line != null && !line.isEmpty();
          line = answer.reader().readLine()) {
        close |= line.equalsIgnoreCase("Connection: close");
      }
      assertTrue(close, "Connection: close");
      String text = answer.reader().readLine(); // one line, ended by a line break
      assertTrue(text != null && text.startsWith("WE5001"), text);
    }
    stillAnswers();
  }

  @Test
  @Order(8)
  void item8RefusalsOfStrangersUnreadBodiesAreHeldBackAtMostMaxHeldAtOnce() throws Exception {
    // AttackBenchmark's flood, eight connections at once: each refusal is held back, its
    // connection unread, so that the flooder waits instead of opening the next one; at most four
    // are held (http.stranger-refusal.max-held), the others answered at once
    byte[] body = new byte[4 << 20];
    body[0] = (byte) 0xd2;
    int connections = 8;
    var threads = Executors.newFixedThreadPool(connections);
    try {
      List<CompletableFuture<Long>> answered = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        answered.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try (var socket =
                      new Socket(InetAddress.getLoopbackAddress(), daemon.httpPort())) {
                    long start = System.nanoTime();
                    PartAnswer answer = postPartly(socket, body, 100, body.length);
                    long took = System.nanoTime() - start;
                    assertTrue(
                        answer.status() != null && answer.status().startsWith("HTTP/1.1 400"),
                        answer.status());
                    return took;
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                },
                threads));
      }
      Thread.sleep(500); // the eight are in: four held, four answered
      long start = System.nanoTime();
      assertInstanceOf(
          Message.Description.class, askHttp(FRIEND, new Message.Describe(List.of())).message());
      long trusted = System.nanoTime() - start;
      assertTrue(trusted < HOLD.toNanos(), "a trusted key waited " + trusted / 1_000_000 + " ms");
      List<Long> took = new ArrayList<>();
      for (var one : answered) {
        took.add(one.get(60, TimeUnit.SECONDS));
      }
      long held = took.stream().filter(nanos -> nanos >= HOLD.toNanos()).count();
      assertTrue(held >= 1 && held <= 4, held + " of " + connections + " held: " + took);
    } finally {
      threads.shutdownNow();
    }
    stillAnswers();
  }

  @Test
  @Order(8)
  void item8ABodyDeclaredLongerThanAnyMessageIsRefusedWithoutBeingRead() throws Exception {
    // Liberty reads and discards whatever of a body the application left unread before it closes
    // the connection; with no MessageSizeLimit the daemon's 413 for 1 GiB declared cost it 1 GiB
    long declared = 1L << 30;
    long readable = 64L << 20; // far more than the socket buffers on both sides hold
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), daemon.httpPort())) {
      socket.setSoTimeout(20_000);
      var out = socket.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      chunk[0] = (byte) 0xd2;
      var start = new ByteArrayOutputStream();
      start.write(postHead(declared));
      start.write(chunk, 0, 100);
      out.write(start.toByteArray());
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertTrue(status != null && status.startsWith("HTTP/1.1 413"), status);
      // the rest is not read: the connection is closed under the sender, a blocked write is the
      // daemon neither reading nor closing (the socket's close below ends it)
      var writing =
          CompletableFuture.supplyAsync(
              () -> {
                long written = 0;
                try {
                  while (written < readable) {
                    out.write(chunk);
                    written += chunk.length;
                  }
                  return "the daemon read " + written + " bytes of a body it refused";
                } catch (IOException closed) {
                  return null;
                }
              });
      String read;
      try {
        read = writing.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException blocked) {
        read = "the connection stayed open, unread, for 30 s after the 413";
      }
      assertNull(read);
    }
    stillAnswers();
  }

  @Test
  @Order(9)
  void item9ANetworkKeyWithControlCannotMoveTheControlSocket() throws Exception {
    var refused =
        assertThrows(
            ProtocolException.class,
            () ->
                ask(
                    OPERATOR,
                    new Message.Control(
                        "set", Map.of("control.socket", "/etc/passwd"), Optional.empty()),
                    Duration.ofSeconds(5)));
    assertTrue(refused.getMessage().contains("WE9011"), refused.getMessage());
    try (var files = Files.list(daemon.configDir().resolve("weverywhere.d"))) {
      for (Path f : files.toList()) {
        assertTrue(!Files.readString(f).contains("/etc/passwd"), f + " was written");
      }
    }
    stillAnswers();
  }

  @Test
  @Order(10)
  void item14AModuleWithPaddedSectionSizesRuns() throws Exception {
    var result =
        assertInstanceOf(
            Message.Result.class,
            askHttp(
                    FRIEND,
                    new Message.Execute(
                        new Message.ModuleTarget(padded(example("math.wasi"))),
                        new Message.Call(
                            "add", List.of(Message.WasmValue.i32(40), Message.WasmValue.i32(2)))))
                .message());
    assertEquals(List.of(new Message.WasmValue("i32", 42)), result.values());
    stillAnswers();
  }

  /** The same module with every section's size written as a 5-byte (padded) LEB128. */
  static byte[] padded(byte[] module) {
    var out = new ByteArrayOutputStream();
    out.write(module, 0, 8);
    int at = 8;
    while (at < module.length) {
      out.write(module[at++]); // section id
      long size = 0;
      int shift = 0;
      int b;
      do {
        b = module[at++] & 0xff;
        size |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      for (int i = 0; i < 4; i++) {
        out.write((int) ((size >>> (7 * i)) & 0x7f) | 0x80);
      }
      out.write((int) (size >>> 28) & 0x7f);
      out.write(module, at, (int) size);
      at += (int) size;
    }
    return out.toByteArray();
  }

  @Test
  @Order(11)
  void item15HostileLengthsToWasiGetAnErrnoAndTheGuestGoesOn() throws Exception {
    var result =
        assertInstanceOf(
            Message.Result.class,
            askHttp(
                    Ed25519.generate(),
                    new Message.Execute(
                        new Message.ModuleTarget(example("fixtures/hostile.wasm")),
                        new Message.Command(List.of("hostile"), Map.of(), new byte[0])))
                .message());
    // fixtures/hostile.wat exits 100 * check + errno at the first unexpected answer
    assertEquals(0, result.exit(), "exit " + result.exit());
    stillAnswers();
  }

  @Test
  @Order(12)
  void item5ARequesterOutsideCallersIsRefusedBeforeAPeerServiceIsLinked() throws Exception {
    KeyPair stranger = Ed25519.generate(); // anonymous, which may execute but is not in callers
    var refused =
        assertThrows(
            ProtocolException.class, () -> ask(stranger, run("caller"), Duration.ofSeconds(10)));
    assertTrue(
        refused
            .getMessage()
            .contains(
                "imports weverywhere:service/kv.get, but service 'kv' may be called by"
                    + " [team]; the requester is in [anonymous] [WE6004]"),
        refused.getMessage());
    // a caller in callers uses the same peer service: kv is this daemon itself over UDP
    var put =
        assertInstanceOf(
            Message.Result.class,
            ask(
                    TEAM,
                    new Message.ServiceCall(
                        "kvhere",
                        "put",
                        List.of(
                            new Message.WasmValue("i64", 1), new Message.WasmValue("i64", 4242))),
                    Duration.ofSeconds(10))
                .message());
    assertEquals("completed", put.outcome());
    var result =
        assertInstanceOf(
            Message.Result.class, ask(TEAM, run("caller"), Duration.ofSeconds(20)).message());
    assertEquals(
        "completed", result.outcome(), new String(result.stderr(), StandardCharsets.UTF_8));
    assertEquals(
        "math.add(2, 40) = 42\nkv.get(1) = 4242\n",
        new String(result.stdout(), StandardCharsets.UTF_8));
    stillAnswers();
  }

  private static Message.Execute run(String library) {
    return new Message.Execute(
        new Message.LibraryTarget(library),
        new Message.Command(List.of(library, "2", "40", "1"), Map.of(), new byte[0]));
  }

  @Test
  @Order(13)
  void item10KeptServiceInstancesHoldTheirMemoryInTheirGroupsAndTheHostsTotals() throws Exception {
    // nothing executes now: what keepers and the host hold is the services' kept instances
    long kept = held("keepers");
    assertTrue(kept > 0, "the kept instances of kvhere and math hold no memory: " + kept);
    assertTrue(held(null) >= kept, "the host's total counts them: " + held(null));
    try (var control = ControlClient.connect(daemon.controlSocket(), Clock.systemUTC())) {
      control.request(
          new Message.Control("service-stop", Map.of("service", "kvhere")), Duration.ofSeconds(20));
      long stopped = held("keepers");
      assertTrue(stopped < kept, "stopping kvhere released its grant: " + stopped + " of " + kept);
      control.request(
          new Message.Control("service-start", Map.of("service", "kvhere")),
          Duration.ofSeconds(20));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (held("keepers") != kept && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(kept, held("keepers"), "started again, kvhere's instance holds its grant again");
    stillAnswers();
  }

  /** Memory the group (null: the host) holds now, as the control socket's status says. */
  @SuppressWarnings("unchecked")
  private static long held(String group) {
    try (var control = ControlClient.connect(daemon.controlSocket(), Clock.systemUTC())) {
      Map<String, Object> status =
          control.request(new Message.Control("status", Map.of()), Duration.ofSeconds(20)).data();
      Map<String, Object> usage =
          group == null
              ? (Map<String, Object>) status.get("host")
              : (Map<String, Object>) ((Map<String, Object>) status.get("groups")).get(group);
      return ((Number) usage.get("memory-bytes")).longValue();
    }
  }

  @Test
  @Order(14)
  void item11AnswersForAPinnedPeerSignedByAnotherKeyAreRefusedNamingBothKeys() throws Exception {
    var refused =
        assertThrows(
            ProtocolException.class, () -> ask(TEAM, run("farcaller"), Duration.ofSeconds(20)));
    impostor.assertRefusedNamingBothKeys(refused);
    stillAnswers();
  }

  @Test
  @Order(15)
  void item12AModuleThatTakesLongerToCompileThanItsGroupsCpuBudgetIsRefused() throws Exception {
    KeyPair anonymous = Ed25519.generate(); // 100 ms of CPU per execution in this daemon
    byte[] heavy =
        ManyFunctionsModule.of(1000, 300); // 2.1 MB: seconds of compiling on either engine
    long start = System.nanoTime();
    var refused =
        assertThrows(
            ProtocolException.class,
            () ->
                askHttp(
                    anonymous,
                    new Message.Execute(
                        new Message.ModuleTarget(heavy),
                        new Message.Call("f0", List.of(Message.WasmValue.i32(1))))));
    long waited = (System.nanoTime() - start) / 1_000_000;
    assertTrue(refused.getMessage().contains("WE2022"), refused.getMessage());
    assertTrue(
        refused
            .getMessage()
            .contains("ms of CPU, the 100 ms one execution of group 'anonymous' may use"),
        refused.getMessage());
    assertTrue(waited < 30_000, "refused after " + waited + " ms");
    // the abandoned compile ends in the background; then the group compiles again
    byte[] small = ManyFunctionsModule.of(3, 5);
    String last = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        var result =
            assertInstanceOf(
                Message.Result.class,
                askHttp(
                        anonymous,
                        new Message.Execute(
                            new Message.ModuleTarget(small),
                            new Message.Call("f2", List.of(Message.WasmValue.i32(1)))))
                    .message());
        assertEquals(List.of(new Message.WasmValue("i32", 6)), result.values());
        last = "";
        break;
      } catch (ProtocolException busy) {
        last = busy.getMessage();
        assertTrue(last.contains("module(s) compiling"), last);
        Thread.sleep(250);
      }
    }
    assertEquals("", last, "anonymous compiles again once its abandoned compile ended");
    stillAnswers();
  }

  @Test
  @Order(16)
  void item13AnOriginIsBelievedOnlyFromAKeyWithTheRelayPrivilege() throws Exception {
    KeyPair stranger = Ed25519.generate();
    String claimed = Fingerprint.of(Ed25519.generate().getPublic()).toString();
    JsonNode ignored = called(stranger, claimed);
    assertEquals(
        Fingerprint.of(stranger.getPublic()).toString(), ignored.path("requester").asText());
    assertTrue(!ignored.has("originalRequester"), ignored.toString());
    JsonNode relayed = called(RELAY, claimed);
    assertEquals(claimed, relayed.path("originalRequester").asText(), relayed.toString());
    assertEquals("relays", relayed.path("group").asText());
    stillAnswers();
  }

  /** Calls kvhere.count as {@code who} claiming {@code origin}; the journal's event for it. */
  private static JsonNode called(KeyPair who, String origin) throws Exception {
    SignedMessage reply =
        ask(
            who,
            new Message.ServiceCall("kvhere", "count", List.of(), List.of(), Optional.of(origin)),
            Duration.ofSeconds(10));
    assertEquals("completed", assertInstanceOf(Message.Result.class, reply.message()).outcome());
    String id = reply.header().replyTo().orElseThrow().toString();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      try (var files = Files.list(journalDisk.resolve("events"))) {
        for (Path file : files.sorted().toList()) {
          for (String line : Files.readAllLines(file)) {
            if (!line.contains(id)) {
              continue;
            }
            JsonNode event = JSON.readTree(line);
            if (event.path("type").asText().equals("org.weverywhere.service.called")
                && event.path("data").path("messageId").asText().equals(id)) {
              return event.path("data");
            }
          }
        }
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no org.weverywhere.service.called event for message " + id);
  }

  @Test
  @Order(17)
  void quotasTheHeapCannotHoldAreRefusedOnAReloadNamingTheKeyAndNothingIsWritten()
      throws Exception {
    var refused =
        assertThrows(
            ProtocolException.class,
            () ->
                askHttp(
                    OPERATOR,
                    new Message.Control("set", Map.of("host.quota.cores", "8"), Optional.empty())));
    String said = refused.getMessage();
    assertTrue(said.contains("WE3003"), said);
    assertTrue(said.contains("set refused, nothing changed"), said);
    assertTrue(said.contains(": host.quota.cores = 8: the JVM heap ("), said);
    assertTrue(said.contains("raise -Xmx in jvm.options"), said);
    try (var files = Files.list(daemon.configDir().resolve("weverywhere.d"))) {
      for (Path f : files.toList()) {
        assertTrue(!Files.readString(f).contains("host.quota.cores"), f + " was written");
      }
    }
    // executions are still admitted under the quotas in force
    stillAnswers();
  }

  @Test
  @Order(20)
  void item7ACapturedRequestIsNotAcceptedAgainAfterTheDaemonIsKilledAndRestarted()
      throws Exception {
    Header header = Header.fresh(Audience.node(node()), Clock.systemUTC().instant());
    byte[] captured = new MessageSigner(Ed25519.generate()).sign(header, add(2, 40));
    var first = post(captured);
    assertEquals(200, first.statusCode(), first.body());
    var again = post(captured);
    assertEquals(400, again.statusCode(), "a replay to the same run: " + again.body());
    daemon.kill();
    daemon.restart();
    assertTrue(
        Duration.between(header.timestamp(), Clock.systemUTC().instant()).toMinutes() < 9,
        "the replay is still inside the 10 min window, so only the horizon can refuse it");
    var replayed = post(captured);
    assertEquals(400, replayed.statusCode(), replayed.body());
    assertTrue(replayed.body().startsWith("WE5040 "), replayed.body());
    long executions = 0;
    try (var files = Files.list(journalDisk.resolve("events"))) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.contains("execution.finished") && line.contains(header.id().toString())) {
            executions++;
          }
        }
      }
    }
    assertEquals(1, executions, "the journal holds one execution of the captured message");
    stillAnswers();
  }

  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
