package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Services found by name (issue 17, item 4), on loopback with daemons in processes of their own on
 * different ports, each knowing the others as {@code peers.static}: A runs {@code caller} with math
 * here and no kv declared; B runs kv; C runs a service named kv that has no {@code get}. A links to
 * B and gets B's values; C is never chosen; with B stopped the link is refused with the reasons. D
 * declares kv for a team only and forbids finding {@code far}: both refused before anything runs. F
 * knows B and a responder that offers kv like B but refuses every call: F's call goes there first
 * (its node id sorts first) and then once to B. A hostile responder on loopback announces kv too,
 * describes it with a signature that does not parse and answers every call with a wrong value: it
 * must never be chosen.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServicesFoundByNameTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final MessageSigner CLIENT = new MessageSigner(Ed25519.generate());
  private static final Map<String, DaemonProcess.Running> daemons = new LinkedHashMap<>();
  private static final Map<String, Fingerprint> nodes = new LinkedHashMap<>();
  private static final Map<String, Integer> ports = new LinkedHashMap<>();
  private static final MessageSigner EVIL = new MessageSigner(Ed25519.generate());
  private static Path work;
  private static UdpClient udp;
  private static DatagramChannel evil;
  private static Thread evilThread;
  private static MessageSigner busy;
  private static DatagramChannel busyChannel;
  private static Thread busyThread;
  private static final java.util.concurrent.atomic.AtomicInteger BUSY_CALLS =
      new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void startDaemons() throws Exception {
    work = ScratchDirectories.create("we-byname");
    for (String host : List.of("a", "b", "c", "d", "f")) {
      try (var free = new DatagramSocket(0)) { // a free port, released for the daemon to bind
        ports.put(host, free.getLocalPort());
      }
    }
    String b = "127.0.0.1:" + ports.get("b");
    String c = "127.0.0.1:" + ports.get("c");
    evil = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    evilThread = Thread.ofPlatform().daemon().start(ServicesFoundByNameTest::evil);
    String e = "127.0.0.1:" + ((InetSocketAddress) evil.getLocalAddress()).getPort();
    start("b", List.of("kv.wasi"), "services.kv.library = kv");
    // a daemon offering kv as B does that refuses every call as busy; its node id sorts before B's,
    // so on loopback (both well under a millisecond) it is chosen first and B is its fallback
    do {
      busy = new MessageSigner(Ed25519.generate());
    } while (busy.fingerprint().toString().compareTo(nodes.get("b").toString()) >= 0);
    busyChannel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    busyThread = Thread.ofPlatform().daemon().start(ServicesFoundByNameTest::busy);
    start("c", List.of("math.wasi"), "services.kv.library = math"); // kv by name, without get
    start(
        "a",
        List.of("caller.wasi", "math.wasi", "fixtures/badcaller.wasm"),
        "services.math.library = math",
        "peers.static = " + e + ", " + c + ", " + b);
    start(
        "d",
        List.of("caller.wasi", "math.wasi", "fixtures/farcaller.wasm"),
        "services.math.library = math",
        "services.kv.discover = true",
        "services.kv.callers = team",
        "services.far.discover = false",
        "peers.static = " + b);
    start(
        "f",
        List.of("caller.wasi", "math.wasi"),
        "services.math.library = math",
        "peers.static = 127.0.0.1:"
            + ((InetSocketAddress) busyChannel.getLocalAddress()).getPort()
            + ", "
            + b);
    udp =
        new UdpClient(
            CLIENT,
            new Verifier(
                Clock.systemUTC(),
                Duration.ofSeconds(30),
                new ReplayCache(Duration.ofSeconds(30), 10_000),
                Optional.empty()),
            Clock.systemUTC());
  }

  /** Announces kv, describes it with a get that is no signature, and answers calls with 999. */
  private static void evil() {
    respond(
        evil,
        EVIL,
        "host-evil",
        List.of("get (i64, i64) -> nonsense", "put (i64, i64) -> i32"),
        call ->
            new Message.Result(
                "completed",
                0,
                new byte[0],
                new byte[0],
                List.of(new Message.WasmValue("i64", 999)),
                0,
                0,
                0));
  }

  /** Announces kv and describes it as B does, and refuses every call as busy (so runs nothing). */
  private static void busy() {
    respond(
        busyChannel,
        busy,
        "host-busy",
        List.of("get (i64, i64) -> i64"),
        call -> {
          BUSY_CALLS.incrementAndGet();
          return new Message.ErrorReply(
              "WE6005", "every instance of kv stayed busy", Optional.empty());
        });
  }

  /**
   * A stand-in daemon on {@code channel} signing with {@code signer}: announces service kv as
   * {@code name}, describes it with {@code functions}, and answers anything else with {@code
   * call}'s reply.
   */
  private static void respond(
      DatagramChannel channel,
      MessageSigner signer,
      String name,
      List<String> functions,
      java.util.function.Function<Message, Message> call) {
    var verifier = Verifier.of(Clock.systemUTC(), Optional.of(signer.fingerprint()), 1000);
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    for (int i = 0; i < 200; i++) { // bounded: the tests send a few dozen
      try {
        buffer.clear();
        var from = channel.receive(buffer);
        SignedMessage request = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
        Message reply =
            switch (request.message()) {
              case Message.Discover d -> new Message.Announce(name, 0, List.of(), List.of("kv"));
              case Message.Describe d ->
                  new Message.Description(
                      Map.of(),
                      List.of(),
                      List.of(
                          new Message.Service(
                              "kv",
                              "kv",
                              Optional.empty(),
                              functions,
                              1,
                              1,
                              "running",
                              0,
                              Optional.empty())),
                      Optional.empty());
              default -> call.apply(request.message());
            };
        channel.send(
            ByteBuffer.wrap(
                signer.sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), reply)),
            from);
      } catch (ProtocolException unreadable) {
        continue; // not for this responder: wait for the next
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void start(String host, List<String> libraries, String... lines) throws Exception {
    Path dir = Files.createDirectories(work.resolve(host));
    Path modules = Files.createDirectories(dir.resolve("libraries"));
    for (String library : libraries) {
      Files.copy(EXAMPLES.resolve(library), modules.resolve(Path.of(library).getFileName()));
    }
    List<String> config =
        new ArrayList<>(
            List.of(
                "node.name = host-" + host,
                "state.dir = " + Files.createDirectories(dir.resolve("state")),
                "libraries.dir = " + modules,
                "libraries.builtin = false",
                "network.port = " + ports.get(host),
                "network.ipv6.enabled = false",
                "group.anonymous.privileges = execute"));
    config.addAll(List.of(lines));
    Files.writeString(dir.resolve("weverywhere.conf"), String.join("\n", config) + "\n");
    var daemon =
        DaemonProcess.Running.start(
            DaemonProcess.command(List.of(), dir),
            dir.resolve("daemon.log"),
            Duration.ofSeconds(60));
    daemons.put(host, daemon);
    nodes.put(host, daemon.node());
  }

  private static void stop(String host) throws Exception {
    daemons.remove(host).close();
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (String host : List.copyOf(daemons.keySet())) {
      stop(host);
    }
    if (busyChannel != null) {
      busyChannel.close();
      busyThread.join(5000);
    }
    if (evil != null) {
      evil.close();
      evilThread.join(5000);
    }
    if (work != null && !Boolean.getBoolean("weverywhere.e2e.keep")) {
      ScratchDirectories.delete(work);
    }
  }

  private static Message ask(String host, Message message) {
    return udp.request(
            new InetSocketAddress("127.0.0.1", ports.get(host)),
            nodes.get(host),
            message,
            Duration.ofSeconds(15),
            1)
        .message();
  }

  private static Message.Result run(String host, String library, String... args) {
    List<String> argv = new ArrayList<>(List.of(library));
    argv.addAll(List.of(args));
    return assertInstanceOf(
        Message.Result.class,
        ask(
            host,
            new Message.Execute(
                new Message.LibraryTarget(library),
                new Message.Command(argv, Map.of(), new byte[0]))));
  }

  private static String log(String host) {
    try {
      return Files.readString(work.resolve(host).resolve("daemon.log"));
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void callerOnALinksToKvOnBFoundByNameAndNotToTheIncompatibleOneOnC() {
    var put =
        assertInstanceOf(
            Message.Result.class,
            ask(
                "b",
                new Message.ServiceCall(
                    "kv",
                    "put",
                    List.of(new Message.WasmValue("i64", 7), new Message.WasmValue("i64", 700)))));
    assertEquals("completed", put.outcome());
    for (int i = 0; i < 3; i++) { // C comes first in peers.static, and is still never taken
      Message.Result result = run("a", "caller", "20", "22", "7");
      assertEquals("completed", result.outcome(), text(result.stderr()));
      assertEquals("math.add(20, 22) = 42\nkv.get(7) = 700\n", text(result.stdout()));
    }
  }

  @Test
  @Order(2)
  void aWrongImportTypeMatchesNoDaemonAndSaysWhy() {
    var refused = assertThrows(ProtocolException.class, () -> run("a", "badcaller"));
    String why = refused.getMessage();
    assertTrue(
        why.contains(
            "imports weverywhere:service/kv.get, but no daemon found on the network runs service"
                + " 'kv' with [get] as imported"),
        why);
    assertTrue(
        why.contains(
            "host-b at 127.0.0.1:"
                + ports.get("b")
                + " exports get (i64, i64) -> i64, not get (i32) -> i32"),
        why);
    assertTrue(
        why.contains("host-c at 127.0.0.1:" + ports.get("c") + " offers no function get"), why);
    assertTrue(why.contains("host-evil at 127.0.0.1:"), why);
    assertTrue(why.contains(" exports get (i64, i64) -> nonsense, not get (i32) -> i32"), why);
    assertTrue(why.contains("[WE6020]"), why);
  }

  @Test
  @Order(3)
  void callersAndAForbiddenNameAreRefusedBeforeAnythingIsFound() {
    var guarded = assertThrows(ProtocolException.class, () -> run("d", "caller", "1", "1", "7"));
    assertTrue(
        guarded
            .getMessage()
            .contains(
                "service 'kv' may be called by [team]; the requester is in [anonymous]"
                    + " [WE6004]"),
        guarded.getMessage());
    var forbidden = assertThrows(ProtocolException.class, () -> run("d", "farcaller"));
    assertTrue(
        forbidden
            .getMessage()
            .contains(
                "imports weverywhere:service/far.get, but no service 'far' is declared"
                    + " on this host (services.far.library, or .peer for one elsewhere) and services.far.discover = false forbids"
                    + " finding one on the network"),
        forbidden.getMessage());
  }

  @Test
  @Order(3)
  void anImportOfNoServiceNameIsRefusedWithTheReason() {
    // a module importing "weverywhere:service/a.b" "f" and exporting an empty _start
    byte[] module = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02,
      0x1d, 0x01, 0x17, 'w', 'e', 'v', 'e', 'r', 'y', 'w', 'h', 'e', 'r', 'e', ':', 's', 'e', 'r',
      'v', 'i', 'c', 'e', '/', 'a', '.', 'b', 0x01, 'f', 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07,
      0x0a, 0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b
    };
    var refused =
        assertThrows(
            ProtocolException.class,
            () ->
                ask(
                    "a",
                    new Message.Execute(
                        new Message.ModuleTarget(module),
                        new Message.Command(List.of("odd"), Map.of(), new byte[0]))));
    assertTrue(
        refused
            .getMessage()
            .contains("imports weverywhere:service/a.b.f, but 'a.b' is not a service name"),
        refused.getMessage());
  }

  @Test
  @Order(3)
  void aDaemonFoundByNameThatRefusesGivesItsPlaceToTheNextOnceWithoutRunningTwice() {
    var put =
        assertInstanceOf(
            Message.Result.class,
            ask(
                "b",
                new Message.ServiceCall(
                    "kv",
                    "put",
                    List.of(new Message.WasmValue("i64", 8), new Message.WasmValue("i64", 800)))));
    assertEquals("completed", put.outcome());
    // the busy daemon sorts first, but round trips on a loaded machine may differ by more than a
    // step: each run must give the right value with B running the get exactly once, and the busy
    // daemon asked at most once; within a bounded number of runs it must have been asked first
    int runsThatAskedBusy = 0;
    for (int i = 0; i < 10 && runsThatAskedBusy < 2; i++) {
      BUSY_CALLS.set(0);
      var calls =
          assertInstanceOf(
              Message.Result.class, ask("b", new Message.ServiceCall("kv", "calls", List.of())));
      long before = calls.values().getFirst().bits();
      Message.Result result = run("f", "caller", "1", "2", "8");
      assertEquals("completed", result.outcome(), text(result.stderr()));
      assertEquals("math.add(1, 2) = 3\nkv.get(8) = 800\n", text(result.stdout()));
      assertTrue(
          BUSY_CALLS.get() <= 1,
          "the busy daemon was asked " + BUSY_CALLS.get() + " times in one call");
      runsThatAskedBusy += BUSY_CALLS.get();
      calls =
          assertInstanceOf(
              Message.Result.class, ask("b", new Message.ServiceCall("kv", "calls", List.of())));
      // B ran the get exactly once (calls does not count itself): nothing ran twice
      assertEquals(before + 1, calls.values().getFirst().bits());
    }
    assertTrue(
        runsThatAskedBusy >= 1,
        "the busy daemon, first by node id, was never chosen first in 10 runs");
  }

  @Test
  @Order(4)
  void withBStoppedTheLinkIsRefusedWithTheReason() throws Exception {
    stop("b");
    var refused = assertThrows(ProtocolException.class, () -> run("a", "caller", "1", "1", "7"));
    String why = refused.getMessage();
    assertTrue(
        why.contains(
            "imports weverywhere:service/kv.get, but no daemon found on the network runs service 'kv'"
                + " with [get] as imported"),
        why);
    assertTrue(
        why.contains("host-c at 127.0.0.1:" + ports.get("c") + " offers no function get"), why);
    assertTrue(why.contains("[WE6020]"), why);
  }
}
