package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

/**
 * Three daemons on three hosts: network namespaces of our own on a bridge of our own (multicast
 * snooping off), each daemon a process of its own joined on its veth only. From the host side:
 * discovery finds all three (one reachable over IPv6 only), describe and execute work on each, a
 * group over its quota is refused while another proceeds, forged and replayed datagrams get no
 * answer, and a stopping daemon says bye. Needs root and iproute2; skipped with the reason
 * otherwise; everything it creates is removed afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeHostsTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000, 36);
  private static final List<String> HOSTS = List.of("a", "b", "c");
  private static final TestNetwork NETWORK =
      TestNetwork.named("we-", "we-b-" + TAG, "10.57.71", HOSTS)
          .tagged("-" + TAG)
          .withoutMulticastSnooping()
          .withoutDuplicateAddressDetection();
  private static final int PORT = 40000 + (int) (ProcessHandle.current().pid() % 20000);
  private static final KeyPair FRIEND = Ed25519.generate();

  private static final Map<String, Process> daemons = new LinkedHashMap<>();
  private static final Map<String, Fingerprint> nodes = new LinkedHashMap<>();
  private static final Map<Fingerprint, InetSocketAddress> addresses = new LinkedHashMap<>();
  private static Path work;

  @BeforeAll
  static void hosts() throws Exception {
    Optional<String> missing = TestNetwork.missing("ip");
    missing.ifPresent(why -> System.out.println("ThreeHostsTest skipped: " + why));
    assumeTrue(missing.isEmpty(), missing.orElse(""));
    boolean ready = NETWORK.create();
    if (!ready) {
      System.out.println(
          "ThreeHostsTest skipped: this kernel or container refused the namespace setup");
    }
    assumeTrue(ready, "could not create the namespaces, bridge and veth pairs");
    work = ScratchDirectories.create("we-three");
    for (String host : HOSTS) {
      start(host);
    }
  }

  private static void start(String host) throws Exception {
    Path dir = Files.createDirectories(work.resolve(host));
    Path libraries = Files.createDirectories(dir.resolve("libraries"));
    Files.copy(EXAMPLES.resolve("math.wasi"), libraries.resolve("math.wasi"));
    Path friends = Files.createDirectories(dir.resolve("groups/friends"));
    Files.writeString(
        friends.resolve("friend.pub-key.pem"), KeyPem.publicKeyText(FRIEND.getPublic()));
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "node.name = host-" + host,
            "state.dir = " + dir.resolve("state"),
            "libraries.dir = " + libraries,
            // math alone, so that one UDP page of describe shows it (the built-in probes:
            // FleetNamespacesTest)
            "libraries.builtin = false",
            "network.interfaces = " + NETWORK.veth(host),
            "network.port = " + PORT,
            "network.ttl = 1",
            // host c is reachable over IPv6 only, so finding it proves IPv6 discovery
            "network.ipv4.enabled = " + !host.equals("c"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.network.period-bytes = 3000",
            "group.friends.privileges = execute, fetch",
            ""));
    Process daemon =
        new ProcessBuilder(
                NETWORK.exec(host, DaemonProcess.command(List.of(), dir).toArray(String[]::new)))
            .redirectError(dir.resolve("daemon.log").toFile())
            .start();
    daemons.put(host, daemon);
    nodes.put(host, DaemonProcess.awaitReady(daemon, dir.resolve("daemon.log")));
  }

  @AfterAll
  static void removeAll() throws Exception {
    for (Process daemon : daemons.values()) {
      daemon.getOutputStream().close();
      if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
        daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    daemons.clear();
    NETWORK.close();
    if (work != null) {
      ScratchDirectories.delete(work);
    }
  }

  private static MessageSigner anonymous = new MessageSigner(Ed25519.generate());

  private static Discovery discovery(MessageSigner who) throws IOException {
    return new Discovery(
        who,
        Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
        MulticastGroups.DEFAULT.withPort(PORT),
        List.of(NetworkInterface.getByName(NETWORK.bridge())),
        1,
        Clock.systemUTC());
  }

  private static Message ask(MessageSigner who, String host, Message message) {
    Fingerprint node = nodes.get(host);
    return new UdpClient(
            who, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC())
        .request(addresses.get(node), node, message, Duration.ofSeconds(2), 3)
        .message();
  }

  @Test
  @Order(1)
  void discoveryFindsAllThreeIncludingTheIpv6OnlyOne() throws Exception {
    List<Announcement> found = new ArrayList<>();
    for (int round = 0;
        round < 5 && found.size() < 3;
        round++) { // the first datagrams may meet cold ARP/ND
      for (Announcement a :
          discovery(anonymous).discover(Duration.ofSeconds(2), 3, x -> {}).answers()) {
        if (found.stream().noneMatch(f -> f.node().equals(a.node()))) {
          found.add(a);
        }
      }
    }
    found.forEach(a -> addresses.put(a.node(), a.from()));
    assertEquals(3, found.size(), "found " + found);
    assertEquals(
        new java.util.HashSet<>(nodes.values()), new java.util.HashSet<>(addresses.keySet()));
    assertTrue(
        addresses.get(nodes.get("c")).getAddress() instanceof Inet6Address,
        "host c answered over IPv6: " + addresses.get(nodes.get("c")));
  }

  @Test
  @Order(2)
  void describeAndExecuteWorkOnEveryHost() {
    for (String host : HOSTS) {
      var description =
          assertInstanceOf(
              Message.Description.class,
              ask(anonymous, host, new Message.Describe(List.of("libraries"))),
              host);
      assertEquals("math", description.libraries().getFirst().name(), host);
      var result =
          assertInstanceOf(
              Message.Result.class,
              ask(
                  anonymous,
                  host,
                  new Message.Execute(
                      new Message.LibraryTarget("math"),
                      new Message.Call(
                          "add", List.of(Message.WasmValue.i32(40), Message.WasmValue.i32(2))))),
              host);
      assertEquals(List.of(new Message.WasmValue("i32", 42)), result.values(), host);
    }
  }

  @Test
  @Order(3)
  void forgedAndReplayedDatagramsGetNoAnswer() throws Exception {
    InetSocketAddress a = addresses.get(nodes.get("a"));
    byte[] valid =
        anonymous.sign(
            Header.fresh(Audience.node(nodes.get("a")), Clock.systemUTC().instant()),
            new Message.Describe(List.of("libraries")));
    byte[] forged = valid.clone();
    forged[forged.length - 5] ^= 1; // inside the signature
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(1500);
      assertNull(exchange(socket, a, forged), "a forged datagram was answered");
      assertTrue(exchange(socket, a, valid) != null, "the genuine datagram was not answered");
      assertNull(exchange(socket, a, valid), "a replayed datagram was answered");
    }
  }

  private static byte[] exchange(DatagramSocket socket, InetSocketAddress to, byte[] datagram)
      throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, to));
    DatagramPacket reply = new DatagramPacket(new byte[1201], 1201);
    try {
      socket.receive(reply);
      return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
    } catch (java.net.SocketTimeoutException none) {
      return null;
    }
  }

  @Test
  @Order(4)
  void aGroupOverItsQuotaIsRefusedWhileAnotherProceeds() {
    MessageSigner stranger = new MessageSigner(Ed25519.generate());
    ProtocolException refused = null;
    for (int i = 0; i < 40 && refused == null; i++) {
      try {
        ask(stranger, "b", new Message.Describe(List.of("libraries")));
      } catch (ProtocolException e) {
        refused = e;
      }
    }
    assertTrue(refused != null, "anonymous was never refused");
    assertEquals("WE5022", refused.code().code(), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("network-period")
            || refused.getMessage().contains("bytes for this period"),
        refused.getMessage());
    var friend = new MessageSigner(FRIEND);
    var result =
        assertInstanceOf(
            Message.Result.class,
            ask(
                friend,
                "b",
                new Message.Execute(
                    new Message.LibraryTarget("math"),
                    new Message.Call(
                        "add", List.of(Message.WasmValue.i32(1), Message.WasmValue.i32(1))))));
    assertEquals(List.of(new Message.WasmValue("i32", 2)), result.values());
  }

  @Test
  @Order(5)
  void aStoppingDaemonSaysBye() throws Exception {
    var gone = new CompletableFuture<Fingerprint>();
    try (var listening = discovery(anonymous).listen(a -> {}, gone::complete, e -> {})) {
      Process c = daemons.remove("c");
      c.getOutputStream().close(); // the daemon stops, as on SIGTERM, and says bye
      assertEquals(nodes.get("c"), gone.get(15, TimeUnit.SECONDS));
      assertTrue(c.waitFor(15, TimeUnit.SECONDS), "daemon c did not stop");
    }
  }
}
