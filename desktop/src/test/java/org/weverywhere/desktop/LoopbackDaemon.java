package org.weverywhere.desktop;

import java.io.IOException;
import java.net.InetAddress;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * Enough of a daemon to be seen, on loopback only: a real UDP socket joined to the IPv4 group on
 * {@code lo} that answers a signed discover with a signed announce, and can announce or say bye on
 * its own (IP_MULTICAST_IF=lo, TTL 0, so nothing leaves this host). Not the real daemon: it answers
 * nothing else (the explorer's tests against the real daemon use {@link InProcessDaemon}).
 */
public final class LoopbackDaemon implements AutoCloseable {
  public final MessageSigner host = new MessageSigner(Ed25519.generate());
  public final AtomicInteger discovers = new AtomicInteger();
  private final String name;
  private final List<String> libraries;
  private final int httpPort;
  private final MulticastGroups groups;
  private final Verifier verifier;
  private final DatagramChannel channel;
  private final Selector selector;
  private final Thread thread;

  public LoopbackDaemon(String name, List<String> libraries, MulticastGroups groups)
      throws IOException {
    // a closed port: the explorer describes a peer when it appears, and must never reach a real
    // daemon
    this(name, libraries, groups, closedTcpPort());
  }

  /**
   * @param httpPort the bulk channel port it announces (nothing listens there: this is no daemon)
   */
  public LoopbackDaemon(String name, List<String> libraries, MulticastGroups groups, int httpPort)
      throws IOException {
    this.name = name;
    this.httpPort = httpPort;
    this.libraries = List.copyOf(libraries);
    this.groups = groups;
    this.verifier = Verifier.of(Clock.systemUTC(), Optional.of(host.fingerprint()), 1000);
    NetworkInterface lo = loopback();
    channel = DatagramChannel.open(StandardProtocolFamily.INET);
    channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
    channel.bind(new InetSocketAddress(groups.port()));
    channel.join(groups.ipv4(), lo);
    channel.configureBlocking(false);
    selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
    thread = Thread.ofPlatform().daemon().name("loopback-daemon-" + name).start(this::serve);
  }

  /** The loopback interface, the only one these tests ever use. */
  public static NetworkInterface loopback() throws IOException {
    return NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
  }

  /** Groups on a port nobody uses, so a real daemon on 22341 is never met. */
  public static MulticastGroups freeGroups() throws IOException {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(0));
      return MulticastGroups.DEFAULT.withPort(
          ((InetSocketAddress) probe.getLocalAddress()).getPort());
    }
  }

  private Message.Announce announcement() {
    return new Message.Announce(name, httpPort, libraries, List.of("clock"));
  }

  /**
   * A TCP port nothing listens on right now, so a request there is refused rather than answered.
   */
  public static int closedTcpPort() throws IOException {
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** Multicasts an unsolicited announce, as a daemon does when it starts. */
  public void announce() throws IOException {
    multicast(announcement());
  }

  /** Multicasts bye, as a daemon does when it stops. */
  public void bye() throws IOException {
    multicast(new Message.Bye());
  }

  private void multicast(Message message) throws IOException {
    byte[] wire = host.sign(Header.fresh(Audience.ANY, Clock.systemUTC().instant()), message);
    channel.send(ByteBuffer.wrap(wire), new InetSocketAddress(groups.ipv4(), groups.port()));
  }

  private void serve() {
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    try {
      while (selector.isOpen()) {
        selector.select(1000);
        selector.selectedKeys().clear();
        for (int i = 0; i < 64; i++) {
          buffer.clear();
          InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
          if (from == null) {
            break;
          }
          answer(from, buffer.array(), buffer.position());
        }
      }
    } catch (IOException | java.nio.channels.ClosedSelectorException closed) {
      // close() ends the loop
    }
  }

  private void answer(InetSocketAddress from, byte[] bytes, int length) throws IOException {
    SignedMessage request;
    try {
      request = verifier.verify(bytes, length, WireLimits.UDP);
    } catch (ProtocolException refused) {
      return; // our own announces come back here too (multicast loop), and anything unverifiable
    }
    if (request.message() instanceof Message.Discover) {
      discovers.incrementAndGet();
      byte[] wire =
          host.sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), announcement());
      channel.send(ByteBuffer.wrap(wire), from);
    }
  }

  @Override
  public void close() throws IOException {
    selector.close();
    channel.close();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
