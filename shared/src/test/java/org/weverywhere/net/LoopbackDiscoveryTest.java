package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Real sockets, loopback only: multicast is sent with IP_MULTICAST_IF=lo and TTL 0, so nothing
 * leaves this host. Each test takes a free port, so it never meets a real daemon on 22341.
 */
class LoopbackDiscoveryTest {
  private final MessageSigner client = new MessageSigner(Ed25519.generate());
  private NetworkInterface lo;
  private MulticastGroups groups;

  @BeforeEach
  void loopback() throws IOException {
    lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(0));
      groups =
          MulticastGroups.DEFAULT.withPort(((InetSocketAddress) probe.getLocalAddress()).getPort());
    }
  }

  private Discovery discovery() {
    return new Discovery(
        client,
        Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
        groups,
        List.of(lo),
        0,
        Clock.systemUTC());
  }

  @Test
  void discoverStreamsOneVerifiedAnnouncePerNodeOverIpv4AndIpv6() throws IOException {
    try (TestResponder a = new TestResponder("alpha", groups, lo, 0);
        TestResponder b = new TestResponder("beta", groups, lo, 0)) {
      Map<Fingerprint, String> streamed = new ConcurrentHashMap<>();
      Discovery.Result result =
          discovery()
              .discover(
                  Duration.ofSeconds(5),
                  2,
                  found -> streamed.put(found.node(), found.announce().name()));

      assertEquals(Map.of(a.host.fingerprint(), "alpha", b.host.fingerprint(), "beta"), streamed);
      assertEquals(2, result.answers().size());
      // lo has no IPv6 multicast route unless someone adds one, so IPv6 may be reported unsent here
      // (NamespaceDiscoveryTest covers IPv6 between namespaces); IPv4 must always go out
      assertTrue(
          result.unsent().stream().allMatch(u -> u.startsWith("ff02:")),
          result.unsent().toString());
      assertEquals(
          2 - result.unsent().size(),
          a.requests.get(),
          "alpha heard " + a.requests.get() + " discovers");
      for (TestResponder r : List.of(a, b)) {
        for (int[] size : r.sizes) {
          assertTrue(size[1] <= 3 * size[0], "reply " + size[1] + " > 3 × request " + size[0]);
          assertTrue(size[1] <= WireLimits.maxUdpReply(size[0]));
        }
      }
    }
  }

  @Test
  void discoverEndsAtTheTimeoutWhenFewerNodesAnswer() throws IOException {
    try (TestResponder only = new TestResponder("only", groups, lo, 0)) {
      long start = System.nanoTime();
      Discovery.Result result = discovery().discover(Duration.ofMillis(700), 5, found -> {});
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(
          Set.of("only"),
          result.answers().stream().map(x -> x.announce().name()).collect(Collectors.toSet()));
      assertTrue(tookMs >= 650 && tookMs < 3000, "took " + tookMs + " ms");
      assertTrue(only.requests.get() >= 1, "the responder heard the discover");
    }
  }

  @Test
  void passiveListeningHearsAnnounceAndBye() throws Exception {
    MessageSigner daemon = new MessageSigner(Ed25519.generate());
    CountDownLatch announced = new CountDownLatch(1);
    CountDownLatch gone = new CountDownLatch(1);
    try (Discovery.Listening listening =
        discovery()
            .listen(
                a -> announced.countDown(),
                f -> {
                  if (f.equals(daemon.fingerprint())) {
                    gone.countDown();
                  }
                },
                rejected -> {})) {
      try (DatagramChannel sender = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
        sender.setOption(java.net.StandardSocketOptions.IP_MULTICAST_IF, lo);
        sender.setOption(java.net.StandardSocketOptions.IP_MULTICAST_TTL, 0);
        for (int i = 0;
            i < 20 && announced.getCount() > 0;
            i++) { // datagrams may be lost: bounded resends
          send(sender, daemon, new Message.Announce("gamma", 22341, List.of(), List.of()));
          announced.await(100, TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < 20 && gone.getCount() > 0; i++) {
          send(sender, daemon, new Message.Bye());
          gone.await(100, TimeUnit.MILLISECONDS);
        }
      }
      assertTrue(listening != null);
      assertEquals(0, announced.getCount(), "no announce heard");
      assertEquals(0, gone.getCount(), "no bye heard");
    }
  }

  @Test
  void listeningBesideALoopbackOnlyDaemonOnThisHostNeitherFailsNorTakesItsUnicast()
      throws Exception {
    // what a daemon with the default network.interfaces = loopback holds: 127.0.0.1 on the port, no
    // reuse
    try (DatagramChannel daemonSocket =
        DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
      daemonSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), groups.port()));
      CountDownLatch announced = new CountDownLatch(1);
      MessageSigner daemon = new MessageSigner(Ed25519.generate());
      try (Discovery.Listening listening =
              discovery().listen(a -> announced.countDown(), f -> {}, r -> {});
          DatagramChannel sender = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
        sender.setOption(java.net.StandardSocketOptions.IP_MULTICAST_IF, lo);
        sender.setOption(java.net.StandardSocketOptions.IP_MULTICAST_TTL, 0);
        for (int i = 0; i < 20 && announced.getCount() > 0; i++) { // bounded resends
          send(sender, daemon, new Message.Announce("gamma", 22341, List.of(), List.of()));
          announced.await(100, TimeUnit.MILLISECONDS);
        }
        assertEquals(
            0, announced.getCount(), "the IPv4 group is heard; unheard: " + listening.unheard());
        // a unicast datagram for the daemon still reaches the daemon, not the listener
        sender.send(
            java.nio.ByteBuffer.wrap(new byte[] {42}),
            new InetSocketAddress("127.0.0.1", groups.port()));
        daemonSocket
            .socket()
            .setSoTimeout(2000); // bounded: a lost datagram fails the test, it never hangs
        var received = new java.net.DatagramPacket(new byte[8], 8);
        daemonSocket.socket().receive(received);
        assertEquals(1, received.getLength());
        assertEquals(42, received.getData()[0]);
      }
    }
  }

  private void send(DatagramChannel sender, MessageSigner daemon, Message m) throws IOException {
    byte[] wire = daemon.sign(Header.fresh(Audience.ANY, Clock.systemUTC().instant()), m);
    sender.send(
        java.nio.ByteBuffer.wrap(wire), new InetSocketAddress(groups.ipv4(), groups.port()));
  }

  @Test
  void unicastRequestsRetryThenGetTheirReplyOrATypedRefusal() throws IOException {
    try (TestResponder deaf = new TestResponder("deaf-once", groups, lo, 1)) {
      UdpClient udp =
          new UdpClient(
              client, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), groups.port());
      var reply =
          udp.request(
              at,
              deaf.host.fingerprint(),
              new Message.Describe(List.of("libraries")),
              Duration.ofMillis(300),
              3);
      assertInstanceOf(Message.Description.class, reply.message());
      assertEquals(2, deaf.requests.get(), "the first attempt was ignored, the second answered");

      ProtocolException quota =
          assertThrows(
              ProtocolException.class,
              () ->
                  udp.request(
                      at,
                      deaf.host.fingerprint(),
                      new Message.Control("status", Map.of()),
                      Duration.ofMillis(500),
                      2));
      assertEquals(Reason.QUOTA_EXCEEDED, quota.reason());
      assertTrue(
          quota.getMessage().contains("quota 'requests-per-second' exceeded"), quota.getMessage());

      ProtocolException denied =
          assertThrows(
              ProtocolException.class,
              () ->
                  udp.request(
                      at,
                      deaf.host.fingerprint(),
                      new Message.Fetch("math", Optional.empty()),
                      Duration.ofMillis(500),
                      2));
      assertEquals(Reason.NOT_PERMITTED, denied.reason());

      // a node id that is not the responder's: it refuses the audience and stays silent
      Fingerprint someoneElse = client.fingerprint();
      ProtocolException silent =
          assertThrows(
              ProtocolException.class,
              () ->
                  udp.request(
                      at, someoneElse, new Message.Describe(List.of()), Duration.ofMillis(200), 2));
      assertEquals(Reason.NO_ANSWER, silent.reason());
      assertTrue(silent.getMessage().contains("in 2 attempt(s) of 200 ms"), silent.getMessage());
    }
  }
}
