package org.weverywhere.service;

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
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Fingerprint;

/**
 * Learns the node id of the daemon at a pinned {@code host:port}: a discover sent to that address
 * (the one exchange addressed to any node), answered by a verified announce replying to it. From
 * then on calls are addressed to that node and only its signature is accepted.
 */
final class PeerProbe {
  private final MessageSigner signer;
  private final Verifier verifier;
  private final Clock clock;

  PeerProbe(MessageSigner signer, Verifier verifier, Clock clock) {
    this.signer = signer;
    this.verifier = verifier;
    this.clock = clock;
  }

  Fingerprint node(InetSocketAddress address, Duration timeout) {
    if (address.isUnresolved()) {
      throw new ProtocolException(ProtocolException.Reason.TRANSPORT, "cannot resolve host '" + address.getHostString() + "'");
    }
    try (DatagramChannel channel = DatagramChannel.open(address.getAddress() instanceof Inet6Address
        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET); Selector selector = Selector.open()) {
      channel.bind(null);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      Duration perAttempt = timeout.dividedBy(3);
      for (int attempt = 0; attempt < 3; attempt++) {
        Header header = Header.fresh(Audience.ANY, clock.instant());
        channel.send(ByteBuffer.wrap(signer.sign(header, new Message.Discover())), address);
        Instant deadline = clock.instant().plus(perAttempt);
        for (long left = perAttempt.toMillis(); left > 0; left = Duration.between(clock.instant(), deadline).toMillis()) {
          if (selector.select(left) == 0) {
            continue;
          }
          selector.selectedKeys().clear();
          for (int i = 0; i < 64; i++) { // drain, but never forever
            buffer.clear();
            if (channel.receive(buffer) == null) {
              break;
            }
            try {
              SignedMessage reply = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
              if (reply.message() instanceof Message.Announce
                  && reply.header().replyTo().filter(header.id()::equals).isPresent()) {
                return reply.fingerprint();
              }
            } catch (ProtocolException unverifiable) {
              // another datagram on our port: keep waiting for the daemon's answer
            }
          }
        }
      }
    } catch (IOException failed) {
      throw new ProtocolException(ProtocolException.Reason.TRANSPORT, address + ": " + failed.getMessage(), failed);
    }
    throw new ProtocolException(ProtocolException.Reason.NO_ANSWER, "no daemon answered at " + address + " within "
        + timeout.toMillis() + " ms");
  }
}
