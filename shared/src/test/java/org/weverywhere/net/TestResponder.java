package org.weverywhere.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * A tiny daemon for tests: real UDP sockets on loopback joined to both groups, answering discover
 * with a signed announce and a few requests with fixed replies, keeping replies within 3× the
 * request (the no-amplification rule). Not the real daemon: just enough of one to talk to.
 */
final class TestResponder implements AutoCloseable {
  final MessageSigner host = new MessageSigner(Ed25519.generate());
  final AtomicInteger requests = new AtomicInteger();
  final List<int[]> sizes = new CopyOnWriteArrayList<>(); // {request bytes, reply bytes}
  private final Verifier verifier;
  private final String name;
  private final int ignoreFirst;
  private final Selector selector;
  private final List<DatagramChannel> channels = new ArrayList<>();
  private final Thread thread;

  /**
   * Joins {@code groups} on {@code nic} and answers; the first {@code ignoreFirst} requests go
   * unanswered.
   */
  TestResponder(String name, MulticastGroups groups, NetworkInterface nic, int ignoreFirst)
      throws IOException {
    this.name = name;
    this.ignoreFirst = ignoreFirst;
    this.verifier = Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 10_000);
    this.selector = Selector.open();
    for (var family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
      DatagramChannel channel = DatagramChannel.open(family);
      channels.add(channel);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nic);
      channel.bind(new InetSocketAddress(groups.port()));
      channel.join(family == StandardProtocolFamily.INET ? groups.ipv4() : groups.ipv6(), nic);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
    }
    thread = Thread.ofPlatform().daemon().name("test-responder-" + name).start(this::serve);
  }

  private void serve() {
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    try {
      while (selector.isOpen()) {
        selector.select(1000);
        for (var key : selector.selectedKeys()) {
          DatagramChannel channel = (DatagramChannel) key.channel();
          buffer.clear();
          InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
          if (from != null) {
            answer(channel, from, buffer.array(), buffer.position());
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | java.nio.channels.ClosedSelectorException closed) {
      // close() ends the loop
    }
  }

  private void answer(DatagramChannel channel, InetSocketAddress from, byte[] bytes, int length)
      throws IOException {
    SignedMessage request;
    try {
      request = verifier.verify(bytes, length, WireLimits.UDP);
    } catch (ProtocolException refused) {
      return; // an unverifiable datagram gets no answer at all
    }
    if (requests.incrementAndGet() <= ignoreFirst) {
      return;
    }
    Message reply =
        switch (request.message()) {
          case Message.Discover d -> new Message.Announce(name, 22341, List.of("math"), List.of());
          case Message.Describe d -> new Message.Description(Map.of(), List.of(), List.of());
          case Message.Fetch f ->
              new Message.ErrorReply("WE5020", "fetch needs privilege 'fetch'", Optional.empty());
          case Message.Control c ->
              new Message.ErrorReply(
                  "WE5022",
                  "control rate of anonymous exceeded",
                  Optional.of("requests-per-second"));
          default -> null;
        };
    if (reply == null) {
      return;
    }
    byte[] wire = host.sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), reply);
    sizes.add(new int[] {length, wire.length});
    if (wire.length <= WireLimits.maxUdpReply(length)) { // never amplify a forged sender's traffic
      channel.send(ByteBuffer.wrap(wire), from);
    }
  }

  @Override
  public void close() throws IOException {
    selector.close();
    for (DatagramChannel channel : channels) {
      channel.close();
    }
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
