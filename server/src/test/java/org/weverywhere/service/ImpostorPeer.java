package org.weverywhere.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * What an on-path attacker puts where a pinned peer should answer (issue 13, item 11): a UDP socket
 * on loopback that answers every request it can read with a description of service {@code far}
 * ({@code kv}, {@code get (i32) -> i32}), signed by a key of its own, not by the node the service
 * is pinned to. A daemon configured with {@code services.far.peer = 127.0.0.1:}{@link #port()} and
 * {@code services.far.peer-node = }{@link #pinnedNode()} must refuse those answers.
 */
public final class ImpostorPeer implements AutoCloseable {
  /** Bounds the answering loop: the tests that use it send a handful of requests. */
  private static final int MOST_ANSWERS = 100;

  private final Fingerprint pinnedNode = Fingerprint.of(Ed25519.generate().getPublic());
  private final MessageSigner signer = new MessageSigner(Ed25519.generate());
  private final AtomicInteger answers = new AtomicInteger();
  private final DatagramChannel channel;
  private final Thread thread;

  private ImpostorPeer(DatagramChannel channel) {
    this.channel = channel;
    this.thread = Thread.ofPlatform().daemon().name("impostor").start(this::answer);
  }

  /** Binds a loopback port and answers from a thread of its own until {@link #close}. */
  public static ImpostorPeer start() throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return new ImpostorPeer(channel);
  }

  /** The node id a service is pinned to: someone else's key, never the impostor's. */
  public Fingerprint pinnedNode() {
    return pinnedNode;
  }

  /** The impostor's own key, which signs its answers. */
  public Fingerprint fingerprint() {
    return signer.fingerprint();
  }

  public int port() throws IOException {
    return ((InetSocketAddress) channel.getLocalAddress()).getPort();
  }

  /** How many requests it has answered. */
  public int answers() {
    return answers.get();
  }

  /**
   * Asserts that {@code refused} is a daemon refusing this impostor's answers: it was asked, and
   * the reason names its key, the node pinned and the pin, with the code {@code WE5041}.
   */
  public void assertRefusedNamingBothKeys(Throwable refused) {
    assertTrue(answers() > 0, "the impostor was never asked");
    assertTrue(
        refused
            .getMessage()
            .contains("signed by key " + fingerprint() + ", not by node " + pinnedNode),
        refused.getMessage());
    assertTrue(
        refused.getMessage().contains("(pinned by peer-node) [WE5041]"), refused.getMessage());
  }

  private void answer() {
    var verifier = Verifier.of(Clock.systemUTC(), Optional.of(pinnedNode), 1000);
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    for (int i = 0; i < MOST_ANSWERS; i++) {
      try {
        buffer.clear();
        var from = channel.receive(buffer);
        SignedMessage request = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
        var description =
            new Message.Description(
                Map.of(),
                List.of(),
                List.of(
                    new Message.Service(
                        "far",
                        "kv",
                        Optional.empty(),
                        List.of("get (i32) -> i32"),
                        1,
                        1,
                        "running",
                        0,
                        Optional.empty())));
        channel.send(
            ByteBuffer.wrap(
                signer.sign(
                    Header.replyTo(request.header(), Clock.systemUTC().instant()), description)),
            from);
        answers.incrementAndGet();
      } catch (ProtocolException unreadable) {
        // not a request this impostor understands: wait for the next
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    channel.close();
    thread.join(Duration.ofSeconds(5));
  }
}
