package org.weverywhere.net;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
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
import org.weverywhere.trust.Fingerprint;

/**
 * Finds daemons: sends a signed {@code discover} to the IPv4 and IPv6 groups on each chosen
 * interface and hands each verified {@code announce} to a callback as it arrives, one per node,
 * until a timeout or a number of answers. {@link #listen} hears the announcements daemons make on
 * their own (start, periodically, {@code bye} on stop).
 *
 * <p>Datagrams that fail verification are not errors of the discovery: they go to the {@code
 * rejected} callback (log or count them) and the wait goes on.
 */
public final class Discovery {
  private final MessageSigner signer;
  private final Verifier verifier;
  private final MulticastGroups groups;
  private final List<NetworkInterface> interfaces;
  private final int ttl;
  private final Clock clock;

  /**
   * @param verifier a client verifier (no node id of its own), which also drops duplicate answers
   * @param interfaces where to send; tests and the secure default use loopback only
   * @param ttl multicast hops: 0 keeps datagrams on this host, 1 on the link
   */
  public Discovery(
      MessageSigner signer,
      Verifier verifier,
      MulticastGroups groups,
      List<NetworkInterface> interfaces,
      int ttl,
      Clock clock) {
    this.signer = Objects.requireNonNull(signer);
    this.verifier = Objects.requireNonNull(verifier);
    this.groups = Objects.requireNonNull(groups);
    this.interfaces = List.copyOf(interfaces);
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock);
    if (this.interfaces.isEmpty()) {
      throw new IllegalArgumentException("discovery needs at least one network interface");
    }
  }

  /** What a discovery round found, and what it heard but refused. */
  public record Result(
      List<Announcement> answers, List<ProtocolException> rejected, List<String> unsent) {}

  /**
   * Discovers sent again at most, after the first, while answers are awaited: each makes every
   * daemon answer again.
   */
  static final int RESENDS = 6;

  /**
   * Sends discover and waits at most {@code timeout}, or until {@code maxAnswers} nodes answered,
   * calling {@code each} for every node as its first verified answer arrives. Discover is sent
   * again (a fresh id) on a backoff with jitter from the initial RTO ({@link Backoff}), at most
   * {@link #RESENDS} times, so that a daemon whose discover or answer was lost is still heard.
   */
  public Result discover(Duration timeout, int maxAnswers, Consumer<Announcement> each) {
    List<Announcement> answers = new ArrayList<>();
    List<ProtocolException> rejected = new ArrayList<>();
    List<String> unsent = new ArrayList<>();
    Set<MessageId> asked = new HashSet<>();
    Set<Fingerprint> seen = new HashSet<>();
    try (Selector selector = Selector.open()) {
      List<DatagramChannel> channels = new ArrayList<>();
      List<InetSocketAddress> targets = new ArrayList<>();
      try {
        for (NetworkInterface nic : interfaces) {
          for (boolean v6 : new boolean[] {false, true}) {
            String where =
                (v6 ? groups.ipv6() : groups.ipv4()).getHostAddress() + " on " + nic.getName();
            DatagramChannel channel = null;
            try {
              channel = sender(nic, v6);
              Header header = Header.fresh(Audience.ANY, clock.instant());
              channel.send(
                  ByteBuffer.wrap(signer.sign(header, new Message.Discover())),
                  v6 ? groups.v6() : groups.v4());
              asked.add(header.id());
              channel.configureBlocking(false);
              channel.register(selector, SelectionKey.OP_READ);
              channels.add(channel);
              targets.add(v6 ? groups.v6() : groups.v4());
            } catch (IOException | UnsupportedOperationException cannot) {
              unsent.add(where + ": " + cannot.getMessage());
              closeQuietly(channel);
            }
          }
        }
        if (channels.isEmpty()) {
          throw new ProtocolException(
              Reason.TRANSPORT, "discover could not be sent anywhere: " + unsent);
        }
        Resend resend =
            new Resend(
                new Backoff(
                    RetransmitTimer.INITIAL,
                    timeout,
                    java.util.concurrent.ThreadLocalRandom.current()),
                () -> {
                  for (int i = 0; i < channels.size(); i++) {
                    Header again = Header.fresh(Audience.ANY, clock.instant());
                    try {
                      channels
                          .get(i)
                          .send(
                              ByteBuffer.wrap(signer.sign(again, new Message.Discover())),
                              targets.get(i));
                      asked.add(again.id());
                    } catch (IOException lost) {
                      unsent.add(targets.get(i) + " (again): " + lost.getMessage());
                    }
                  }
                });
        receive(
            selector,
            timeout,
            maxAnswers,
            resend,
            reply -> {
              SignedMessage m = reply.message();
              if (m.message() instanceof Message.Announce announce
                  && m.header().replyTo().isPresent()
                  && asked.contains(m.header().replyTo().get())
                  && seen.add(m.fingerprint())) {
                Announcement a = new Announcement(m.fingerprint(), reply.from(), announce, m);
                answers.add(a);
                each.accept(a);
              }
              return answers.size() >= maxAnswers;
            },
            rejected::add);
      } finally {
        channels.forEach(Discovery::closeQuietly);
      }
    } catch (IOException failed) {
      throw new ProtocolException(
          Reason.TRANSPORT, "discovery failed: " + failed.getMessage(), failed);
    }
    return new Result(List.copyOf(answers), List.copyOf(rejected), List.copyOf(unsent));
  }

  private DatagramChannel sender(NetworkInterface nic, boolean v6) throws IOException {
    DatagramChannel channel =
        DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nic);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
    channel.bind(null);
    return channel;
  }

  /** A verified datagram and where it came from. */
  record Received(SignedMessage message, InetSocketAddress from) {}

  /** When and how to send discover again while waiting; {@link #NONE} for a passive listener. */
  private record Resend(Backoff backoff, Runnable send) {
    static final Resend NONE = new Resend(null, () -> {});
  }

  private void receive(
      Selector selector,
      Duration timeout,
      int maxAnswers,
      ReceivedHandler handler,
      Consumer<ProtocolException> rejected)
      throws IOException {
    receive(selector, timeout, maxAnswers, Resend.NONE, handler, rejected);
  }

  /**
   * Reads until the deadline or until {@code handler} says done; every loop is bounded by the
   * deadline.
   */
  private void receive(
      Selector selector,
      Duration timeout,
      int maxAnswers,
      Resend resend,
      ReceivedHandler handler,
      Consumer<ProtocolException> rejected)
      throws IOException {
    if (maxAnswers < 1) {
      return;
    }
    Instant deadline = clock.instant().plus(timeout);
    Instant resendAt =
        resend.backoff() == null ? deadline : clock.instant().plus(resend.backoff().next());
    int resent = 0;
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    while (true) {
      if (!clock.instant().isBefore(deadline)) {
        return; // the deadline ends the wait, whatever resend was due
      }
      if (resent < RESENDS && resend.backoff() != null && !clock.instant().isBefore(resendAt)) {
        resend.send().run();
        resent++;
        resendAt = clock.instant().plus(resend.backoff().next());
      }
      boolean resendFirst = resent < RESENDS && resendAt.isBefore(deadline);
      long left = Duration.between(clock.instant(), resendFirst ? resendAt : deadline).toMillis();
      if (resendFirst) {
        left =
            Math.max(
                1, left); // a resend due now is sent on the next turn, not mistaken for the end
      }
      if (left <= 0 || selector.select(left) < 0) {
        return;
      }
      var ready = selector.selectedKeys().iterator();
      while (ready.hasNext()) {
        DatagramChannel channel = (DatagramChannel) ready.next().channel();
        ready.remove();
        for (int i = 0; i < 64; i++) { // drain, but never forever
          buffer.clear();
          InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
          if (from == null) {
            break;
          }
          try {
            SignedMessage m = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
            if (handler.handle(new Received(m, from))) {
              return;
            }
          } catch (ProtocolException refused) {
            rejected.accept(refused);
          } catch (RuntimeException failed) {
            // one datagram (or a callback handling it) must not end a discovery or a listener:
            // reported as refused, with its cause, and the wait goes on
            rejected.accept(
                new ProtocolException(
                    Reason.MALFORMED,
                    "datagram from " + from + " could not be handled: " + failed,
                    failed));
          }
        }
      }
    }
  }

  interface ReceivedHandler {
    /** True when the wait is over. */
    boolean handle(Received received);
  }

  /** A running passive listener; close it to stop. */
  public interface Listening extends AutoCloseable {
    @Override
    void close();

    /**
     * The groups it could not listen to, each with why (e.g. the port taken); empty when it hears
     * both.
     */
    default List<String> unheard() {
      return List.of();
    }
  }

  /**
   * Joins both groups on every chosen interface (port {@code groups.port()}, address reuse on) and
   * reports each verified announce, and each {@code bye} as {@code gone}, until closed. A group
   * that cannot be listened to is told by {@link Listening#unheard()}; only when neither can is it
   * an error.
   */
  public Listening listen(
      Consumer<Announcement> announced,
      Consumer<Fingerprint> gone,
      Consumer<ProtocolException> rejected) {
    List<DatagramChannel> channels = new ArrayList<>();
    List<String> unheard = new ArrayList<>();
    Selector selector;
    try {
      selector = Selector.open();
    } catch (IOException failed) {
      throw new ProtocolException(
          Reason.TRANSPORT,
          "cannot listen on port " + groups.port() + ": " + failed.getMessage(),
          failed);
    }
    for (boolean v6 : new boolean[] {false, true}) {
      InetAddress group = v6 ? groups.ipv6() : groups.ipv4();
      DatagramChannel channel = null;
      try {
        channel =
            DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        // IPv4 binds the group address, not the wildcard: only the group's datagrams arrive here,
        // so a
        // daemon's unicast requests on this host never land on this socket, and a loopback-only
        // daemon
        // (bound to 127.0.0.1 without address reuse) does not keep us from listening. A link-local
        // IPv6
        // group cannot be bound without a scope, so IPv6 binds the wildcard.
        channel.bind(new InetSocketAddress(v6 ? null : group, groups.port()));
        for (NetworkInterface nic : interfaces) {
          channel.join(group, nic);
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        channels.add(channel);
      } catch (IOException failed) {
        closeQuietly(channel);
        unheard.add(group.getHostAddress() + " port " + groups.port() + ": " + failed.getMessage());
      }
    }
    if (channels.isEmpty()) {
      closeQuietly(selector);
      throw new ProtocolException(
          Reason.TRANSPORT, "cannot listen on " + String.join("; ", unheard));
    }
    Thread thread =
        Thread.ofPlatform()
            .daemon()
            .name("weverywhere-announcements")
            .start(
                () -> {
                  try {
                    while (selector.isOpen()) {
                      receive(
                          selector,
                          Duration.ofSeconds(1),
                          Integer.MAX_VALUE,
                          r -> {
                            switch (r.message().message()) {
                              case Message.Announce a ->
                                  announced.accept(
                                      new Announcement(
                                          r.message().fingerprint(), r.from(), a, r.message()));
                              case Message.Bye bye -> gone.accept(r.message().fingerprint());
                              default -> {} // requests on the group are for daemons, not for us
                            }
                            return false;
                          },
                          rejected);
                    }
                  } catch (IOException | java.nio.channels.ClosedSelectorException closed) {
                    // close() ends the wait this way
                  }
                });
    return new RunningListener(selector, List.copyOf(channels), thread, List.copyOf(unheard));
  }

  private record RunningListener(
      Selector selector, List<DatagramChannel> channels, Thread thread, List<String> unheard)
      implements Listening {
    @Override
    public void close() {
      closeQuietly(selector);
      channels.forEach(Discovery::closeQuietly);
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static void closeQuietly(java.io.Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException ignored) {
      // closing a socket we no longer use; nothing to report
    }
  }
}
