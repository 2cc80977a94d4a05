package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.HostileMessages;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The client's receive loops survive what one datagram does to them (issue 13): a responder on
 * loopback answers every request first with a validly signed message whose body once made decoding
 * throw, then with junk, and only then with the real reply, which the client must still take.
 */
class HostileRepliesTest {
  private final KeyPair hostKeys = Ed25519.generate();
  private final MessageSigner host = new MessageSigner(hostKeys);
  private DatagramChannel responder;
  private Thread thread;

  @BeforeEach
  void respond() throws IOException {
    responder = DatagramChannel.open();
    responder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Verifier verifier = Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 1000);
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("hostile-responder")
            .start(
                () -> {
                  ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
                  try {
                    for (int i = 0; i < 20; i++) { // bounded: a test sends a few requests at most
                      buffer.clear();
                      var from = responder.receive(buffer);
                      SignedMessage request =
                          verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
                      Header reply = Header.replyTo(request.header(), Clock.systemUTC().instant());
                      responder.send(
                          ByteBuffer.wrap(
                              HostileMessages.callWithZeroChainId(
                                  hostKeys,
                                  Clock.systemUTC().instant(),
                                  Optional.of(request.header().id()))),
                          from);
                      responder.send(
                          ByteBuffer.wrap(new byte[] {(byte) 0xd2, (byte) 0x84, 0x40}), from);
                      responder.send(
                          ByteBuffer.wrap(
                              host.sign(
                                  reply, new Message.Announce("hostile", 1, List.of(), List.of()))),
                          from);
                    }
                  } catch (IOException | org.weverywhere.protocol.ProtocolException closed) {
                    // the test closed the socket (or sent what this responder does not answer)
                  }
                });
  }

  @AfterEach
  void close() throws Exception {
    responder.close();
    thread.join(Duration.ofSeconds(5));
  }

  private InetSocketAddress address() throws IOException {
    return (InetSocketAddress) responder.getLocalAddress();
  }

  @Test
  void udpClientTakesTheRealReplyAfterAPoisonedOne() throws IOException {
    var client = new MessageSigner(Ed25519.generate());
    var udp =
        new UdpClient(
            client, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
    SignedMessage reply =
        udp.request(
            address(), host.fingerprint(), new Message.Discover(), Duration.ofSeconds(5), 1);
    assertEquals("hostile", assertInstanceOf(Message.Announce.class, reply.message()).name());
  }

  @Test
  void unicastProbeTakesTheRealAnnounceAfterAPoisonedOne() throws IOException {
    var client = new MessageSigner(Ed25519.generate());
    var probe =
        new UnicastProbe(
            client, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
    Announcement found = probe.ask(address(), Duration.ofSeconds(6));
    assertEquals(host.fingerprint(), found.node());
    assertEquals("hostile", found.announce().name());
  }
}
