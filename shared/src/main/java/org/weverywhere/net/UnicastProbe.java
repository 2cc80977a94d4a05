package org.weverywhere.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageId;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;

/**
 * A discover sent to one address rather than to the groups: how {@code host[:port]} reaches a
 * daemon that multicast does not (another subnet, a host that only opened its port). Its node id is
 * not known beforehand, so this is the one exchange addressed to any node; the announce that
 * answers it must be a verified reply to one of our attempts, and from then on requests name its
 * node. The CLI's {@code host[:port]} and a daemon's pinned remote services both find their node
 * this way.
 */
public final class UnicastProbe {
  private final MessageSigner signer;
  private final Verifier verifier;
  private final Clock clock;

  public UnicastProbe(MessageSigner signer, Verifier verifier, Clock clock) {
    this.signer = signer;
    this.verifier = verifier;
    this.clock = clock;
  }

  /**
   * The daemon at {@code address}, or {@code NO_ANSWER}: discover is sent again after the initial
   * RTO, backing off with jitter ({@link Backoff}), until an answer or {@code timeout}.
   */
  public Announcement ask(InetSocketAddress address, Duration timeout) {
    if (address.isUnresolved()) {
      throw new ProtocolException(
          Reason.TRANSPORT, "cannot resolve host '" + address.getHostString() + "'");
    }
    Backoff backoff =
        new Backoff(
            RetransmitTimer.INITIAL, timeout, java.util.concurrent.ThreadLocalRandom.current());
    Instant end = clock.instant().plus(timeout);
    Set<MessageId> sent = new HashSet<>();
    int rejected = 0;
    try (DatagramChannel channel =
            DatagramChannel.open(
                address.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6
                    : StandardProtocolFamily.INET);
        Selector selector = Selector.open()) {
      channel.bind(null);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      for (int attempt = 0;
          attempt < 64 && clock.instant().isBefore(end);
          attempt++) { // bounded twice
        Header header = Header.fresh(Audience.ANY, clock.instant());
        channel.send(ByteBuffer.wrap(signer.sign(header, new Message.Discover())), address);
        sent.add(header.id());
        Instant deadline = min(end, clock.instant().plus(backoff.next()));
        for (long left = Duration.between(clock.instant(), deadline).toMillis();
            left > 0;
            left = Duration.between(clock.instant(), deadline).toMillis()) {
          if (selector.select(left) == 0) {
            continue;
          }
          selector.selectedKeys().clear();
          for (int i = 0; i < 64; i++) { // drain, but never forever
            buffer.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
            if (from == null) {
              break;
            }
            try {
              SignedMessage reply =
                  verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
              if (reply.message() instanceof Message.Announce announce
                  && reply.header().replyTo().filter(sent::contains).isPresent()) {
                return new Announcement(reply.fingerprint(), address, announce, reply);
              }
            } catch (RuntimeException unverifiable) {
              // someone else's datagram on our port, or one that failed in any way: counted, and we
              // keep waiting for the daemon's
              rejected++;
            }
          }
        }
      }
    } catch (IOException failed) {
      throw new ProtocolException(Reason.TRANSPORT, address + ": " + failed.getMessage(), failed);
    }
    throw new ProtocolException(
        Reason.NO_ANSWER,
        "no daemon answered at "
            + address.getAddress().getHostAddress()
            + ":"
            + address.getPort()
            + " within "
            + timeout.toMillis()
            + " ms"
            + (rejected > 0 ? " (" + rejected + " unverifiable datagrams ignored)" : ""));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
