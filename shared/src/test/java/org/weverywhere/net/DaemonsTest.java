package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The one client of daemons against a scripted daemon on loopback (real UDP sockets, real
 * signatures): it pages a description together from one node, and refuses what a hostile or broken
 * daemon answers instead: pages that never end, a page signed by another key, a reply of another
 * type, and addresses it cannot use.
 */
class DaemonsTest {
  private final MessageSigner node = new MessageSigner(Ed25519.generate());
  private final MessageSigner stranger = new MessageSigner(Ed25519.generate());
  private final MessageSigner me = new MessageSigner(Ed25519.generate());
  private ScriptedDaemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** Answers each verified request with what the script says, signed by whom it says. */
  private record Answer(MessageSigner signer, Message message) {}

  /**
   * A daemon on a loopback port that answers at most 64 datagrams, each as {@code script} says
   * (given the request and how many came before it); null: no answer.
   */
  private static final class ScriptedDaemon implements AutoCloseable {
    final DatagramChannel channel;
    final AtomicInteger asked = new AtomicInteger();
    private final Thread thread;

    ScriptedDaemon(MessageSigner node, BiFunction<Message, Integer, Answer> script)
        throws IOException {
      channel = DatagramChannel.open();
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Verifier verifier = Verifier.of(Clock.systemUTC(), Optional.of(node.fingerprint()), 1000);
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("scripted-daemon")
              .start(
                  () -> {
                    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
                    try {
                      for (int i = 0; i < 64; i++) { // bounded, whatever the client sends
                        buffer.clear();
                        var from = channel.receive(buffer);
                        SignedMessage request =
                            verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
                        Answer answer = script.apply(request.message(), asked.getAndIncrement());
                        if (answer != null) {
                          Header reply =
                              Header.replyTo(request.header(), Clock.systemUTC().instant());
                          channel.send(
                              ByteBuffer.wrap(answer.signer().sign(reply, answer.message())), from);
                        }
                      }
                    } catch (ClosedChannelException closed) {
                      // the test is over
                    } catch (IOException | ProtocolException failed) {
                      // a broken exchange ends the script; the client's assertion tells why
                    }
                  });
    }

    DaemonAddress address(MessageSigner node) throws IOException {
      return new DaemonAddress(
          node.fingerprint(), (InetSocketAddress) channel.getLocalAddress(), 0);
    }

    @Override
    public void close() throws Exception {
      channel.close();
      thread.join(Duration.ofSeconds(5));
    }
  }

  private Daemons client(Duration udp) {
    return new Daemons(
        () -> me,
        Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
        Clock.systemUTC(),
        () -> new Daemons.Reach(MulticastGroups.DEFAULT, List.of(), 0),
        new Daemons.Waits(udp, Duration.ofSeconds(1), Duration.ofSeconds(2)),
        note -> {});
  }

  private static Message.Library library(String name) {
    return new Message.Library(name, "1", new byte[32], 10, List.of("add (i32, i32) -> i32"));
  }

  private static Message.Description page(String library, Optional<String> next) {
    return new Message.Description(Map.of(), List.of(library(library)), List.of(), next);
  }

  /** A scripted daemon that answers describes only, as {@code script} says. */
  private void answerDescribes(BiFunction<Message.Describe, Integer, Answer> script)
      throws IOException {
    daemon =
        new ScriptedDaemon(
            node,
            (request, n) -> request instanceof Message.Describe d ? script.apply(d, n) : null);
  }

  /** What the client throws when it describes the scripted daemon over UDP. */
  private ProtocolException refusedDescribe(Duration udp) {
    return assertThrows(
        ProtocolException.class,
        () -> client(udp).describe(daemon.address(node), List.of(), Daemons.Route.UDP));
  }

  @Test
  void describeFollowsThePagesOfOneNodeAndMergesThem() throws Exception {
    answerDescribes(
        (d, n) ->
            new Answer(
                node,
                d.cursor().isEmpty()
                    ? page("zeta", Optional.of("p2"))
                    : page("alpha", Optional.empty())));
    Message.Description whole =
        client(Duration.ofSeconds(2))
            .describe(daemon.address(node), List.of("libraries"), Daemons.Route.UDP);
    assertEquals(
        List.of("alpha", "zeta"), whole.libraries().stream().map(Message.Library::name).toList());
    assertEquals(2, daemon.asked.get());
  }

  @Test
  void aDescriptionWhosePagesNeverEndIsRefusedAfterFewPages() throws Exception {
    // a cursor cycle a -> b -> a: followed blindly it would be asked for ever
    answerDescribes(
        (d, n) ->
            new Answer(
                node,
                page(
                    "lib" + n,
                    Optional.of(d.cursor().filter("a"::equals).isPresent() ? "b" : "a"))));
    ProtocolException refused = refusedDescribe(Duration.ofSeconds(2));
    assertEquals(Reason.REFUSED, refused.reason(), refused.getMessage());
    assertTrue(refused.getMessage().contains("does not end"), refused.getMessage());
    assertTrue(daemon.asked.get() <= 3, daemon.asked.get() + " pages asked");
  }

  @Test
  void aPageSignedByAnotherKeyIsRefusedAndNothingOfItTaken() throws Exception {
    answerDescribes(
        (d, n) ->
            d.cursor().isEmpty()
                ? new Answer(node, page("mine", Optional.of("p2")))
                : new Answer(stranger, page("planted", Optional.empty())));
    ProtocolException refused = refusedDescribe(Duration.ofMillis(600));
    assertEquals(Reason.WRONG_NODE, refused.reason(), refused.getMessage());
    assertTrue(
        refused.getMessage().contains(stranger.fingerprint().toString()), refused.getMessage());
  }

  @Test
  void aReplyOfAnotherTypeIsRefusedNamingItNeverCast() throws Exception {
    daemon =
        new ScriptedDaemon(
            node,
            (request, n) -> new Answer(node, new Message.Announce("odd", 1, List.of(), List.of())));
    ProtocolException refused = refusedDescribe(Duration.ofSeconds(2));
    assertEquals(Reason.MALFORMED, refused.reason(), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("answered announce where Description was expected"),
        refused.getMessage());
  }

  @Test
  void aRefusalComesBackAsItsReasonNotAsADescription() throws Exception {
    daemon =
        new ScriptedDaemon(
            node,
            (request, n) ->
                new Answer(
                    node,
                    new Message.ErrorReply(
                        "WE5020", "describe needs privilege 'observe'", Optional.empty())));
    ProtocolException refused = refusedDescribe(Duration.ofSeconds(2));
    assertEquals(Reason.NOT_PERMITTED, refused.reason(), refused.getMessage());
  }

  @Test
  void malformedAddressesAreRefusedInOneLineBeforeAnythingIsSent() {
    for (String text : List.of("[fe80::1%eth0", "host:99999", "[::1]:", "a b:1", "fe80::1%")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse(text));
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    Daemons daemons = client(Duration.ofSeconds(1));
    IllegalArgumentException noPort =
        assertThrows(
            IllegalArgumentException.class,
            () -> daemons.probe(PeerAddress.parse("127.0.0.1", 0), 0, Duration.ofMillis(100)));
    assertTrue(noPort.getMessage().contains("no port"), noPort.getMessage());
    var udp = new InetSocketAddress(InetAddress.getLoopbackAddress(), 22341);
    assertThrows(
        IllegalArgumentException.class, () -> new DaemonAddress(node.fingerprint(), udp, 70_000));
    // a pinned peer's bulk channel is not known: it is never guessed
    assertThrows(
        IllegalArgumentException.class, () -> new DaemonAddress(node.fingerprint(), udp, 0).http());
  }

  @Test
  void aLinkLocalDaemonKeepsItsZoneOnTheBulkChannel() throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    byte[] fe80 = new byte[16];
    fe80[0] = (byte) 0xfe;
    fe80[1] = (byte) 0x80;
    fe80[15] = 1;
    var udp = new InetSocketAddress(Inet6Address.getByAddress(null, fe80, lo.getIndex()), 22341);
    assertEquals(
        "http://[fe80::1%" + lo.getIndex() + "]:22342",
        new DaemonAddress(node.fingerprint(), udp, 22342).http().toString());
  }

  @Test
  void discoveryWithNoInterfaceSaysSoInsteadOfFailingLater() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> client(Duration.ofSeconds(1)).discover(Duration.ofMillis(100), 1, a -> {}));
    assertEquals(Reason.TRANSPORT, e.reason());
    assertTrue(e.getMessage().contains("no network interface"), e.getMessage());
  }

  @Test
  void theClientsFollowTheSigningKey() {
    AtomicReference<MessageSigner> current = new AtomicReference<>(me);
    Daemons daemons =
        new Daemons(
            current::get,
            Verifier.of(Clock.systemUTC(), Optional.empty(), 16),
            Clock.systemUTC(),
            () -> new Daemons.Reach(MulticastGroups.DEFAULT, List.of(), 0),
            new Daemons.Waits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
            note -> {});
    UdpClient first = daemons.udp();
    assertSame(first, daemons.udp(), "one UDP client per key keeps its round-trip estimates");
    current.set(stranger);
    assertNotSame(first, daemons.udp(), "another key signs with another client");
    assertThrows(
        IllegalArgumentException.class,
        () -> daemons.withSessions(new ClientSessions(me, Clock.systemUTC())));
  }
}
