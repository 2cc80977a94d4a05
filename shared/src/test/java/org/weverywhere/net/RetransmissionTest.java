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
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;

/**
 * Retransmission within one budget, on loopback against a responder that ignores its first requests
 * (as if they or their answers were lost): discovery, a unicast probe and a budgeted UDP request
 * all get through, and each measures the round trip of the attempt answered.
 */
class RetransmissionTest {
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

  private Verifier verifier() {
    return Verifier.of(Clock.systemUTC(), Optional.empty(), 1000);
  }

  @Test
  void discoveryIsSentAgainUntilALostAnswerComesThrough() throws IOException {
    // both groups' first discovers go unanswered: only a resend can find it
    try (TestResponder deaf = new TestResponder("deaf-twice", groups, lo, 2)) {
      var discovery = new Discovery(client, verifier(), groups, List.of(lo), 0, Clock.systemUTC());
      var found = discovery.discover(Duration.ofSeconds(3), 1, a -> {});
      assertEquals(
          1, found.answers().size(), "answers: " + found.answers() + ", unsent: " + found.unsent());
      assertTrue(deaf.requests.get() >= 3, deaf.requests.get() + " discovers heard");
    }
  }

  @Test
  void aUnicastProbeIsSentAgainWithinItsTimeout() throws IOException {
    try (TestResponder deaf = new TestResponder("deaf-thrice", groups, lo, 3)) {
      var probe = new UnicastProbe(client, verifier(), Clock.systemUTC());
      var found =
          probe.ask(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), groups.port()),
              Duration.ofSeconds(3));
      assertEquals(deaf.host.fingerprint(), found.node());
      assertEquals(4, deaf.requests.get());
    }
  }

  @Test
  void aBudgetedRequestRetransmitsAndMeasuresTheAnsweredAttempt() throws IOException {
    try (TestResponder deaf = new TestResponder("deaf-thrice", groups, lo, 3)) {
      UdpClient udp = new UdpClient(client, verifier(), Clock.systemUTC());
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), groups.port());
      long start = System.nanoTime();
      var reply =
          udp.request(
              at,
              deaf.host.fingerprint(),
              new Message.Describe(List.of("libraries")),
              Duration.ofSeconds(3));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertInstanceOf(Message.Description.class, reply.message());
      assertEquals(4, deaf.requests.get());
      // 0.25 + 0.5 + 0.5 s of backoff (±20%) before the fourth attempt
      assertTrue(millis >= 900 && millis < 2_500, "answered after " + millis + " ms");
      RetransmitTimer timer = udp.timer(at);
      assertEquals(1, timer.samples());
      // the sample is the fourth attempt's own round trip on loopback, not the 1.25 s since the
      // first
      assertTrue(timer.srtt().orElseThrow().toMillis() < 200, timer.srtt().toString());
      assertEquals(RetransmitTimer.MIN, timer.rto());
    }
  }

  @Test
  void silenceEndsWithNoAnswerAtTheBudgetNamingTheAttempts() {
    UdpClient udp = new UdpClient(client, verifier(), Clock.systemUTC());
    InetSocketAddress nobody =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), groups.port());
    long start = System.nanoTime();
    ProtocolException silent =
        assertThrows(
            ProtocolException.class,
            () ->
                udp.request(
                    nobody,
                    client.fingerprint(),
                    new Message.Describe(List.of()),
                    Duration.ofMillis(1200)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Reason.NO_ANSWER, silent.reason());
    assertTrue(millis >= 1150 && millis < 2_000, "gave up after " + millis + " ms");
    assertTrue(
        silent
            .getMessage()
            .matches(".*did not answer describe in [4-9] attempt\\(s\\) within 1200 ms.*"),
        silent.getMessage());
  }
}
