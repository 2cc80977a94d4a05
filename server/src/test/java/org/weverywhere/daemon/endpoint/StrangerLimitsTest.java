package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.AnswerSpread;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.EnvelopeHead;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceByteRate;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Ed25519;

/**
 * Issue 13: what keys in no Signature Group cost the daemon is limited per source address before
 * the costly part, and never a group key's requests. A large body that cannot verify is refused
 * after its head, one from a stranger over its byte rate before its body is read, the connection
 * closed rather than drained; a stranger's describes beyond their rate are not answered (429 over
 * HTTP, dropped over UDP), a group key's always are.
 */
class StrangerLimitsTest {
  private static WeldContainer weld;
  private static Endpoints endpoints;
  private final MessageSigner stranger = new MessageSigner(Ed25519.generate());
  private final MessageSigner member = new MessageSigner(Ed25519.generate());

  /** The limiters' time, moved by hand: nothing here depends on how fast the test runs. */
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private static final InetAddress HERE = InetAddress.getLoopbackAddress();

  @BeforeAll
  static void daemon() {
    TestDaemonConfig.prepare(
        "stranger-limits",
        List.of("math.wasi"),
        "group.anonymous.privileges = execute",
        "group.anonymous.quota.network.rate = 100MiB/s");
    weld = DaemonParts.weld().initialize();
    weld.select(org.weverywhere.daemon.Daemon.class).get().identity();
    endpoints = weld.select(Endpoints.class).get();
  }

  @AfterAll
  static void stop() {
    weld.close();
    TestDaemonConfig.clear();
  }

  private StrangerLimits limits(long bodyBytesPerSecond, long describesPerSecond) {
    return new StrangerLimits(
        member.fingerprint()::equals,
        new SourceByteRate(bodyBytesPerSecond, bodyBytesPerSecond, 100, nanos::get),
        new SourceLimiter(describesPerSecond, 2 * describesPerSecond, 100, nanos::get));
  }

  private BulkExchange bulk(StrangerLimits strangers) {
    return bulk(strangers, new SourceLimiter(1_000, 1_000, 10, System::nanoTime));
  }

  private BulkExchange bulk(StrangerLimits strangers, SourceLimiter sources) {
    return bulk(strangers, sources, new SourceLimiter(1_000, 1_000, 10, System::nanoTime));
  }

  private BulkExchange bulk(
      StrangerLimits strangers, SourceLimiter sources, SourceLimiter memberSources) {
    return new BulkExchange(
        endpoints.verifier(),
        endpoints.handler(),
        endpoints.signer(),
        sources,
        memberSources,
        new BodyBudget(256L << 20, 1 << 20, 2),
        new FairSlots(64, 16),
        weld.select(TrafficLedger.class).get(),
        SessionHandshake.NONE,
        strangers);
  }

  private byte[] signed(MessageSigner by, Message message) {
    return by.sign(
        Header.fresh(Audience.node(endpoints.signer().fingerprint()), Clock.systemUTC().instant()),
        message);
  }

  /** A real execute carrying {@code bytes} of module, its signature broken in its last byte. */
  private byte[] badlySigned(MessageSigner by, int bytes) {
    byte[] wire =
        signed(
            by,
            new Message.Execute(
                new Message.ModuleTarget(new byte[bytes]),
                new Message.Command(List.of(), Map.of(), new byte[0])));
    wire[wire.length - 1] ^= 1;
    return wire;
  }

  /** A body that counts what the daemon read of it. */
  private static final class Counted extends InputStream {
    private final InputStream in;
    private long read;

    Counted(byte[] bytes) {
      this.in = new ByteArrayInputStream(bytes);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] into, int off, int len) throws IOException {
      int n = in.read(into, off, len);
      read += Math.max(0, n);
      return n;
    }
  }

  private static String text(BulkExchange.Reply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aLargeBodyThatCannotVerifyIsRefusedAfterItsHeadAndItsConnectionClosed() {
    byte[] garbage = new byte[4 << 20];
    garbage[0] = (byte) 0xd2; // the unverified-bodies flood of AttackBenchmark
    var body = new Counted(garbage);
    var refused = bulk(limits(1 << 20, 100)).exchange(HERE, garbage.length, body);
    assertEquals(400, refused.status(), text(refused));
    assertTrue(text(refused).startsWith("WE5001"), text(refused));
    assertEquals("close", refused.headers().get("Connection"));
    assertTrue(body.read <= EnvelopeHead.BYTES, body.read + " bytes read");
    assertTrue(refused.holdable(), "refused unread: its carrier may hold the answer back");

    byte[] longerThanSaid = badlySigned(stranger, 100_000);
    var lying = new Counted(longerThanSaid);
    var refusedToo = bulk(limits(1 << 20, 100)).exchange(HERE, longerThanSaid.length - 1, lying);
    assertEquals(400, refusedToo.status(), "a length its envelope does not add up to");
    assertTrue(lying.read <= EnvelopeHead.BYTES, lying.read + " bytes read");
  }

  @Test
  void aStrangerOverItsByteRateIsRefusedBeforeItsBodyIsReadAndAMemberIsNot() {
    var exchange = bulk(limits(1 << 20, 100));
    byte[] first = badlySigned(stranger, 2 << 20);
    var read = new Counted(first);
    var checked = exchange.exchange(HERE, first.length, read);
    assertEquals(400, checked.status(), text(checked));
    assertTrue(
        text(checked).startsWith("WE5006"),
        "read whole and its signature checked: " + text(checked));
    assertEquals(first.length, read.read);
    assertFalse(checked.holdable(), "read whole: nothing is saved by holding its answer");

    // 2 MiB against 1 MiB/s: the source is in debt for about a second
    byte[] second = badlySigned(stranger, 2 << 20);
    var unread = new Counted(second);
    var limited = exchange.exchange(HERE, second.length, unread);
    assertEquals(429, limited.status(), text(limited));
    assertTrue(text(limited).startsWith("WE5054"), text(limited));
    assertEquals("close", limited.headers().get("Connection"));
    assertTrue(Long.parseLong(limited.headers().get("Retry-After")) >= 1);
    assertTrue(unread.read <= EnvelopeHead.BYTES, unread.read + " bytes read");
    assertTrue(limited.holdable());

    var elsewhere =
        exchange.exchange(address("127.0.0.2"), second.length, new ByteArrayInputStream(second));
    assertEquals(400, elsewhere.status(), "another source has its own rate: " + text(elsewhere));

    byte[] members = badlySigned(member, 2 << 20);
    var fromMember = new Counted(members);
    var served = exchange.exchange(HERE, members.length, fromMember);
    assertEquals(400, served.status(), "read and checked, not limited: " + text(served));
    assertEquals(members.length, fromMember.read);

    nanos.addAndGet(Duration.ofSeconds(3).toNanos()); // the debt is paid
    var later = exchange.exchange(HERE, second.length, new ByteArrayInputStream(second));
    assertEquals(400, later.status(), "read again once out of debt: " + text(later));
  }

  @Test
  void aStrangerFloodingFromAnAddressDoesNotUseUpTheRateOfAMemberSendingFromIt() {
    // every local client is 127.0.0.1: a stranger's requests there once refused a member's too
    var exchange =
        bulk(limits(1 << 20, 1_000), new SourceLimiter(1, 2, 10, nanos::get)); // bursts of 2
    for (int i = 0; i < 2; i++) {
      assertInstanceOf(Message.Description.class, describeOverHttp(exchange, stranger).message());
    }
    byte[] third = signed(stranger, new Message.Describe(List.of()));
    var limited = exchange.exchange(HERE, third.length, new ByteArrayInputStream(third));
    assertEquals(429, limited.status());
    assertTrue(text(limited).startsWith("WE5053"), text(limited));
    assertTrue(limited.holdable(), "a stranger's refusal may be held back");
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Message.Description.class, describeOverHttp(exchange, member).message());
    }
    // naming a member's key without its private key gets the member's budget and a failed check
    byte[] forged = signed(stranger, new Message.Describe(List.of()));
    byte[] claimed = signed(member, new Message.Describe(List.of()));
    System.arraycopy(claimed, 0, forged, 0, EnvelopeHead.BYTES);
    var refused = exchange.exchange(HERE, forged.length, new ByteArrayInputStream(forged));
    assertEquals(400, refused.status(), text(refused));
  }

  @Test
  void aMembersRefusalIsNeverHeldBack() {
    var exchange =
        bulk(
            limits(1 << 20, 1_000),
            new SourceLimiter(1_000, 1_000, 10, nanos::get),
            new SourceLimiter(1, 1, 10, nanos::get));
    assertInstanceOf(Message.Description.class, describeOverHttp(exchange, member).message());
    byte[] second = signed(member, new Message.Describe(List.of()));
    var limited = exchange.exchange(HERE, second.length, new ByteArrayInputStream(second));
    assertEquals(429, limited.status(), text(limited));
    assertTrue(text(limited).startsWith("WE5053"), text(limited));
    assertFalse(limited.holdable(), "a member's refusal is sent at once");
  }

  @Test
  void aStrangersDescribesBeyondTheirRateGet429OverHttpAndAMembersAreAnswered() {
    var exchange = bulk(limits(1 << 20, 1)); // 1 a second, bursts of 2
    for (int i = 0; i < 2; i++) {
      assertInstanceOf(Message.Description.class, describeOverHttp(exchange, stranger).message());
    }
    byte[] third = signed(stranger, new Message.Describe(List.of()));
    var limited = exchange.exchange(HERE, third.length, new ByteArrayInputStream(third));
    assertEquals(429, limited.status());
    assertTrue(text(limited).startsWith("WE5055"), text(limited));
    assertEquals("1", limited.headers().get("Retry-After"));
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Message.Description.class, describeOverHttp(exchange, member).message());
    }
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertInstanceOf(Message.Description.class, describeOverHttp(exchange, stranger).message());
  }

  @Test
  void aStrangersDescribesBeyondTheirRateAreDroppedOverUdpAndAMembersAnswered() throws Exception {
    int port;
    try (var probe = new DatagramSocket(0, HERE)) {
      port = probe.getLocalPort();
    }
    var settings = LoopbackNetwork.settings(port);
    try (var udp =
        UdpEndpoint.open(
            settings,
            endpoints.signer(),
            endpoints.verifier(),
            endpoints.handler(),
            new SourceLimiter(2_000, 4_000, 1_000, System::nanoTime),
            Clock.systemUTC(),
            AnswerSpread.DEFAULT,
            new FairSlots(64, 16),
            member.fingerprint()::equals)) {
      udp.limitStrangerDescribes(limits(1 << 20, 1).describes());
      for (int i = 0; i < 2; i++) {
        assertInstanceOf(Message.Description.class, describeOverUdp(port, stranger, 1).message());
      }
      var client =
          new UdpClient(
              stranger, Verifier.of(Clock.systemUTC(), Optional.empty(), 100), Clock.systemUTC());
      try {
        client.request(
            new InetSocketAddress(HERE, port),
            endpoints.signer().fingerprint(),
            new Message.Describe(List.of()),
            Duration.ofMillis(300),
            1);
      } catch (RuntimeException unanswered) {
        // expected: what proves it is the endpoint's count below, not the wait
      }
      for (int i = 0; i < 100 && udp.dropped().getOrDefault("describe-rate", 0L) == 0; i++) {
        Thread.sleep(20); // bounded polling for the count
      }
      assertEquals(1L, udp.dropped().get("describe-rate"), udp.dropped().toString());
      for (int i = 0; i < 5; i++) {
        assertInstanceOf(Message.Description.class, describeOverUdp(port, member, 2).message());
      }
      assertEquals(1L, udp.dropped().get("describe-rate"), "a member's describes are not counted");
    }
  }

  private SignedMessage describeOverHttp(BulkExchange exchange, MessageSigner by) {
    byte[] wire = signed(by, new Message.Describe(List.of()));
    var reply = exchange.exchange(HERE, wire.length, new ByteArrayInputStream(wire));
    assertEquals(200, reply.status(), text(reply));
    return Verifier.of(Clock.systemUTC(), Optional.empty(), 100)
        .verify(reply.body(), WireLimits.HTTP);
  }

  private SignedMessage describeOverUdp(int port, MessageSigner by, int attempts) {
    return new UdpClient(
            by, Verifier.of(Clock.systemUTC(), Optional.empty(), 100), Clock.systemUTC())
        .request(
            new InetSocketAddress(HERE, port),
            endpoints.signer().fingerprint(),
            new Message.Describe(List.of()),
            Duration.ofSeconds(2),
            attempts);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
