package org.weverywhere.net;

import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Fingerprint;

/**
 * The one client of daemons that the CLI, the explorer and the daemon's service imports share:
 * discovery on the chosen interfaces, a unicast probe of a peer address, describe page by page
 * (over UDP, over HTTP when a page does not fit a datagram), fetch, free capacity and any other
 * request, each reply checked to be the message asked for and signed by the node asked. The
 * transports underneath ({@link Discovery}, {@link UnicastProbe}, {@link UdpClient}, {@link
 * BulkClient}) keep their retransmission, sessions and request keys; this class decides once how
 * they are combined, so the three programs cannot disagree.
 *
 * <p>Every method blocks; the UDP client (round-trip estimates, sessions) lives as long as this
 * object and is replaced when the signing key changes (the explorer's identity screen).
 */
public final class Daemons {
  /** The way a request goes. */
  public enum Route {
    /** UDP, retransmitted; a describe that does not fit a datagram goes again over HTTP. */
    UDP,
    /** The HTTP bulk channel: modules, executions that may run long, whole descriptions. */
    HTTP
  }

  /**
   * Where discovery looks: the multicast groups and port, the interfaces and how far a discover
   * travels.
   *
   * @param ttl multicast hops: 0 keeps datagrams on this host, 1 on the link
   */
  public record Reach(MulticastGroups groups, List<NetworkInterface> interfaces, int ttl) {
    public Reach {
      Objects.requireNonNull(groups, "groups");
      interfaces = List.copyOf(interfaces);
      if (ttl < 0 || ttl > 255) {
        throw new IllegalArgumentException("multicast TTL " + ttl + " is not 0 to 255");
      }
    }

    /** The groups on the chosen interfaces, as far as the choice allows (loopback only: TTL 0). */
    public static Reach of(MulticastGroups groups, InterfaceChoice choice) {
      return new Reach(groups, choice.interfaces(), choice.ttl());
    }
  }

  /**
   * How long requests wait.
   *
   * @param udp the budget of one UDP exchange (one describe page), retransmissions included
   * @param httpConnect connecting to a bulk channel, and retrying a refused connection
   * @param http one HTTP exchange: an execution may run a while before its result comes back
   */
  public record Waits(Duration udp, Duration httpConnect, Duration http) {
    public Waits {
      for (Duration d : List.of(udp, httpConnect, http)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("a wait must be more than 0, not " + d);
        }
      }
    }
  }

  private final Supplier<MessageSigner> signer;
  private final Verifier verifier;
  private final Clock clock;
  private final Supplier<Reach> reach;
  private final Waits waits;
  private final ClientSessions sessions;
  private final Consumer<String> notes;
  private UdpClient udp;
  private BulkClient bulk;
  private Fingerprint clientsKey;

  /**
   * @param signer the key that signs, asked at every request (the explorer lets it change)
   * @param verifier a client verifier (no node id of its own)
   * @param reach asked when discovery or listening starts (an interface may come and go)
   * @param notes what a verbose user may want to hear, e.g. that a describe went over HTTP
   */
  public Daemons(
      Supplier<MessageSigner> signer,
      Verifier verifier,
      Clock clock,
      Supplier<Reach> reach,
      Waits waits,
      Consumer<String> notes) {
    this(signer, verifier, clock, reach, waits, notes, null);
  }

  private Daemons(
      Supplier<MessageSigner> signer,
      Verifier verifier,
      Clock clock,
      Supplier<Reach> reach,
      Waits waits,
      Consumer<String> notes,
      ClientSessions sessions) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reach = Objects.requireNonNull(reach, "reach");
    this.waits = Objects.requireNonNull(waits, "waits");
    this.notes = Objects.requireNonNull(notes, "notes");
    this.sessions = sessions;
  }

  /**
   * The same client, opening sessions (PROTOCOL.md §5a) with nodes that accept one; the signer must
   * be the sessions' key and stay it.
   */
  public Daemons withSessions(ClientSessions sessions) {
    if (!sessions.signer().fingerprint().equals(signer.get().fingerprint())) {
      throw new IllegalArgumentException("the sessions are another key's");
    }
    return new Daemons(signer, verifier, clock, reach, waits, notes, sessions);
  }

  /** How long requests wait. */
  public Waits waits() {
    return waits;
  }

  // ---- finding daemons

  /**
   * Sends discover on every interface of the reach and hands each node's first verified announce to
   * {@code each} as it arrives, for at most {@code timeout} or {@code maxAnswers} nodes.
   *
   * @throws ProtocolException {@code TRANSPORT} when there is no interface or nowhere to send
   */
  public Discovery.Result discover(Duration timeout, int maxAnswers, Consumer<Announcement> each) {
    return discovery().discover(timeout, maxAnswers, each);
  }

  /** Hears announcements and byes on the reach's interfaces until the handle is closed. */
  public Discovery.Listening listen(
      Consumer<Announcement> announced,
      Consumer<Fingerprint> gone,
      Consumer<ProtocolException> rejected) {
    return discovery().listen(announced, gone, rejected);
  }

  private Discovery discovery() {
    Reach where = reach.get();
    if (where.interfaces().isEmpty()) {
      throw new ProtocolException(Reason.TRANSPORT, "no network interface to discover on");
    }
    return new Discovery(
        signer.get(), verifier, where.groups(), where.interfaces(), where.ttl(), clock);
  }

  /**
   * The daemon at {@code address} (with {@code defaultPort} when the address names none), asked by
   * a unicast discover: how a peer that multicast does not reach is found, and its node id learnt.
   *
   * @throws ProtocolException {@code TRANSPORT} for a host that does not resolve, {@code NO_ANSWER}
   *     when nothing verified answers within {@code timeout}
   */
  public Announcement probe(PeerAddress address, int defaultPort, Duration timeout) {
    PeerAddress withPort = address.port() > 0 ? address : address.withPort(defaultPort);
    if (withPort.port() == 0) {
      throw new IllegalArgumentException("peer address " + address + " has no port");
    }
    return new UnicastProbe(signer.get(), verifier, clock).ask(withPort.socketAddress(), timeout);
  }

  // ---- asking one daemon

  /**
   * The whole description of {@code daemon} ({@code what} empty: everything), merged from its
   * pages. Over {@link Route#UDP} each page is retransmitted within the UDP wait and padded so the
   * no-amplification rule lets a full datagram come back; a daemon that says a page does not fit
   * one ({@code OVERSIZED}) is described again over HTTP when its bulk channel is known. A page
   * that is not a description, a daemon that never ends its pages, or a page from another key is
   * refused ({@link DescriptionPager}, {@link UdpClient}, {@link BulkClient}).
   */
  public Message.Description describe(DaemonAddress daemon, List<String> what, Route route) {
    if (route == Route.UDP) {
      try {
        return DescriptionPager.collect(
            cursor ->
                expect(
                    udp()
                        .request(
                            daemon.udp(),
                            daemon.node(),
                            udp().padded(daemon.node(), what, cursor),
                            waits.udp()),
                    Message.Description.class,
                    daemon.udp().toString()));
      } catch (ProtocolException e) {
        if (e.reason() != Reason.OVERSIZED || !daemon.hasHttp()) {
          throw e;
        }
        notes.accept("describe over UDP: " + e.getMessage() + "; asking over HTTP");
      }
    }
    return DescriptionPager.collect(
        cursor ->
            expect(
                bulk().request(daemon.http(), daemon.node(), new Message.Describe(what, cursor, 0)),
                Message.Description.class,
                daemon.http().toString()));
  }

  /** What {@code daemon} has free for this client's group (describe {@code capacity}). */
  public FreeCapacity capacity(DaemonAddress daemon, Route route) {
    return FreeCapacity.of(describe(daemon, List.of("capacity"), route).host());
  }

  /** A library's module from {@code daemon}, over HTTP (modules outgrow datagrams). */
  public Message.ModuleReply fetch(DaemonAddress daemon, Message.Fetch fetch) {
    return expect(request(daemon, fetch, Route.HTTP), Message.ModuleReply.class, where(daemon));
  }

  /**
   * Any request to {@code daemon}: its verified reply, signed by the node asked; an {@code error}
   * reply is thrown as a {@link ProtocolException} naming its reason. An {@code execute} or {@code
   * call} gets a request key, kept on every retry, so it runs at most once.
   */
  public SignedMessage request(DaemonAddress daemon, Message message, Route route) {
    return route == Route.UDP
        ? udp().request(daemon.udp(), daemon.node(), message, waits.udp())
        : bulk().request(daemon.http(), daemon.node(), message);
  }

  /** As {@link #request}, the reply required to be a {@code type}. */
  public <T extends Message> T ask(
      DaemonAddress daemon, Message message, Route route, Class<T> type) {
    return expect(request(daemon, message, route), type, where(daemon));
  }

  /**
   * The reply's message as {@code type}, or {@code MALFORMED} naming what came instead: a daemon's
   * answer is never cast blindly.
   */
  public static <T extends Message> T expect(SignedMessage reply, Class<T> type, String where) {
    if (!type.isInstance(reply.message())) {
      throw new ProtocolException(
          Reason.MALFORMED,
          where
              + " answered "
              + reply.message().type()
              + " where "
              + type.getSimpleName()
              + " was expected");
    }
    return type.cast(reply.message());
  }

  private static String where(DaemonAddress daemon) {
    return daemon.hasHttp() ? daemon.http().toString() : daemon.udp().toString();
  }

  // ---- the transports, for what has its own loop (fan-outs, load generators)

  /**
   * The UDP client of the current key: one per key for as long as this object lives, so the round
   * trips it measured time the retransmissions that follow.
   */
  public synchronized UdpClient udp() {
    current();
    if (udp == null) {
      udp = new UdpClient(signer.get(), verifier, clock, sessions);
    }
    return udp;
  }

  /** The HTTP client of the current key, sealing in the same sessions as {@link #udp()}. */
  public synchronized BulkClient bulk() {
    current();
    if (bulk == null) {
      bulk =
          new BulkClient(
              signer.get(), verifier, clock, waits.httpConnect(), waits.http(), WireLimits.HTTP);
      if (sessions != null) {
        bulk.withSessions(sessions);
      }
    }
    return bulk;
  }

  /** Drops the clients of a key that no longer signs. */
  private void current() {
    Fingerprint now = signer.get().fingerprint();
    if (!now.equals(clientsKey)) {
      udp = null;
      bulk = null;
      clientsKey = now;
    }
  }
}
