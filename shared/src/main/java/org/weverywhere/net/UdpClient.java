package org.weverywhere.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageId;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Fingerprint;

/**
 * One request, one reply, over unicast UDP. Each attempt is signed afresh (new id, new timestamp),
 * so a retry is never mistaken for a replay; a reply answering any attempt ends the wait. An {@code
 * execute} or {@code call} gets a request key before its first attempt and keeps it on every retry,
 * so the daemon runs it at most once (PROTOCOL.md §4b). {@link #request(InetSocketAddress,
 * Fingerprint, Message, Duration)} retransmits on the peer's measured round trips ({@link
 * RetransmitTimer}, {@link Backoff}) within one budget.
 */
public final class UdpClient {
  private final MessageSigner signer;
  private final Verifier verifier;
  private final Clock clock;

  /** Round-trip estimates per peer, for as long as this client lives; bounded. */
  private final Map<InetSocketAddress, RetransmitTimer> timers = new ConcurrentHashMap<>();

  private static final int TIMERS_KEPT = 4_096;

  /** Attempts of one exchange at most, whatever the budget (a bound in count as well as time). */
  static final int MAX_ATTEMPTS = 64;

  /** The sessions this client opens and seals requests in; null: every request is signed. */
  private final ClientSessions sessions;

  public UdpClient(MessageSigner signer, Verifier verifier, Clock clock) {
    this(signer, verifier, clock, null);
  }

  /**
   * A client that opens a session (PROTOCOL.md §5a) with each node that accepts one and seals its
   * {@code describe}, {@code execute} and {@code call} there; retransmissions are signed, so a
   * session the node lost costs one retransmission timeout.
   *
   * @param sessions null for none; else sessions of {@code signer}'s key
   */
  public UdpClient(MessageSigner signer, Verifier verifier, Clock clock, ClientSessions sessions) {
    this.signer = Objects.requireNonNull(signer);
    this.verifier = Objects.requireNonNull(verifier);
    this.clock = Objects.requireNonNull(clock);
    if (sessions != null && !sessions.signer().fingerprint().equals(signer.fingerprint())) {
      throw new IllegalArgumentException("the sessions are another key's");
    }
    this.sessions = sessions;
  }

  /**
   * Sends {@code message} to node {@code node} at {@code peer} up to {@code attempts} times,
   * waiting {@code perAttempt} for each; returns the verified reply signed by {@code node}, or
   * throws {@code WRONG_NODE} when only other keys answered, {@code NO_ANSWER}, a refusal ({@code
   * REFUSED}, {@code QUOTA_EXCEEDED} naming the quota, {@code NOT_PERMITTED}...), or {@code
   * TRANSPORT}.
   */
  public SignedMessage request(
      InetSocketAddress peer,
      Fingerprint node,
      Message message,
      Duration perAttempt,
      int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("at least one attempt");
    }
    message = RequestKey.keyed(message); // attempts after the first must not run it again
    var family =
        peer.getAddress() instanceof java.net.Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
    Set<MessageId> sent = new HashSet<>();
    int rejected = 0;
    Fingerprint impostor = null;
    try (DatagramChannel channel = DatagramChannel.open(family);
        Selector selector = Selector.open()) {
      channel.bind(null);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      for (int attempt = 0; attempt < attempts; attempt++) {
        Header header = Header.fresh(Audience.node(node), clock.instant());
        byte[] wire = signer.sign(header, message);
        if (wire.length > WireLimits.UDP_DATAGRAM_BYTES) {
          throw new ProtocolException(
              Reason.OVERSIZED,
              message.type()
                  + " of "
                  + wire.length
                  + " bytes does not fit a datagram; send it over HTTP");
        }
        channel.send(ByteBuffer.wrap(wire), peer);
        sent.add(header.id());
        Instant deadline = clock.instant().plus(perAttempt);
        for (long left = perAttempt.toMillis();
            left > 0;
            left = Duration.between(clock.instant(), deadline).toMillis()) {
          if (selector.select(left) == 0) {
            continue;
          }
          selector.selectedKeys().clear();
          for (int i = 0; i < 64; i++) {
            buffer.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
            if (from == null) {
              break;
            }
            SignedMessage reply;
            try {
              reply = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
            } catch (RuntimeException refused) {
              // a ProtocolException, or anything else one datagram caused: counted, and the wait
              // goes on
              rejected++;
              continue;
            }
            if (reply.header().replyTo().filter(sent::contains).isPresent()) {
              if (reply.fingerprint().equals(node)) {
                return Replies.unwrap(reply, peer.toString());
              }
              // a verified answer to our request, signed by another key: someone answering in the
              // node's place (or another daemon now at that address); never taken, but told
              impostor = reply.fingerprint();
            }
          }
        }
      }
    } catch (IOException failed) {
      throw new ProtocolException(Reason.TRANSPORT, peer + ": " + failed.getMessage(), failed);
    }
    if (impostor != null) {
      throw wrongNode(peer, message, impostor, node);
    }
    throw new ProtocolException(
        Reason.NO_ANSWER,
        peer
            + " did not answer "
            + message.type()
            + " in "
            + attempts
            + " attempt(s) of "
            + perAttempt.toMillis()
            + " ms"
            + (rejected > 0 ? " (" + rejected + " unverifiable datagrams ignored)" : ""));
  }

  /**
   * Sends {@code message} to node {@code node} at {@code peer} and retransmits it, signed afresh
   * each time (a keyed request keeps its key), after the peer's RTO, backing off exponentially with
   * jitter, until a reply comes or {@code budget} is spent. Every reply measures the round trip of
   * the attempt it answers. Throws as {@link #request(InetSocketAddress, Fingerprint, Message,
   * Duration, int)} does; {@code NO_ANSWER} says how many attempts went unanswered in how long.
   */
  public SignedMessage request(
      InetSocketAddress peer, Fingerprint node, Message message, Duration budget) {
    Message keyed = RequestKey.keyed(message);
    long start = System.nanoTime();
    org.weverywhere.protocol.Session session = null;
    Duration left = budget;
    if (sessions != null && Verifier.SESSION_REQUESTS.contains(keyed.type())) {
      session = sessions.current(node).orElse(null);
      if (session == null && sessions.shouldOffer(node)) {
        session = handshake(peer, node, budget.dividedBy(2)).orElse(null);
        left = budget.minusNanos(System.nanoTime() - start); // what the handshake left
      }
    }
    org.weverywhere.protocol.Session sealing = session;
    Answered answered =
        exchange(
            peer,
            node,
            keyed,
            left,
            (attempt, header) ->
                attempt == 0 && sealing != null
                    ? sealing.seal(header, keyed)
                    : signer.sign(header, keyed));
    if (sealing != null && answered.attempt() > 0) {
      // the sealed attempt went unanswered and a signed one was: the node may have lost the session
      sessions.forget(node, sealing);
    }
    return answered.reply();
  }

  /**
   * Opens a session with {@code node} now, by one signed handshake (PROTOCOL.md §5a), for a caller
   * that seals its own requests (a load generator); empty when it declines or does not answer
   * within {@code budget}. The session is kept in this client's {@link ClientSessions}.
   */
  public Optional<org.weverywhere.protocol.Session> openSession(
      InetSocketAddress peer, Fingerprint node, Duration budget) {
    if (sessions == null) {
      throw new IllegalStateException("this client was made without sessions");
    }
    return handshake(peer, node, budget);
  }

  /**
   * Offers {@code node} a session in a signed discover and takes its answer; empty when it declines
   * or does not answer within {@code budget} (the request then goes signed).
   */
  private Optional<org.weverywhere.protocol.Session> handshake(
      InetSocketAddress peer, Fingerprint node, Duration budget) {
    ClientSessions.Offer offer = sessions.offer();
    Map<MessageId, byte[]> wires = new HashMap<>();
    try {
      SignedMessage announce =
          exchange(
                  peer,
                  node,
                  offer.discover(),
                  budget,
                  (attempt, header) -> {
                    byte[] wire = signer.sign(header, offer.discover());
                    wires.put(header.id(), wire);
                    return wire;
                  })
              .reply();
      return sessions.complete(
          node, offer, wires.get(announce.header().replyTo().orElseThrow()), announce);
    } catch (ProtocolException noAnswer) {
      return Optional.empty();
    }
  }

  /** A verified reply and which attempt (0 the first) it answers. */
  private record Answered(SignedMessage reply, int attempt) {}

  /** The bytes of one attempt of an exchange: signed, or sealed in a session. */
  @FunctionalInterface
  private interface Attempt {
    byte[] wire(int attempt, Header header);
  }

  private Answered exchange(
      InetSocketAddress peer, Fingerprint node, Message keyed, Duration budget, Attempt make) {
    RetransmitTimer timer = timer(peer);
    var family =
        peer.getAddress() instanceof java.net.Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
    Map<MessageId, long[]> sentAt = new HashMap<>();
    int rejected = 0;
    Fingerprint impostor = null;
    long start = System.nanoTime();
    long end = start + Math.max(0, budget.toNanos());
    Backoff backoff =
        new Backoff(timer.rto(), budget, java.util.concurrent.ThreadLocalRandom.current());
    Verifier.Sessions held = sessions == null ? Verifier.Sessions.NONE : sessions;
    try (DatagramChannel channel = DatagramChannel.open(family);
        Selector selector = Selector.open()) {
      channel.bind(null);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      for (long now = start;
          now - end < 0 && sentAt.size() < MAX_ATTEMPTS;
          now = System.nanoTime()) {
        Header header = Header.fresh(Audience.node(node), clock.instant());
        byte[] wire = make.wire(sentAt.size(), header);
        if (wire.length > WireLimits.UDP_DATAGRAM_BYTES) {
          throw new ProtocolException(
              Reason.OVERSIZED,
              keyed.type()
                  + " of "
                  + wire.length
                  + " bytes does not fit a datagram; send it over HTTP");
        }
        channel.send(ByteBuffer.wrap(wire), peer);
        sentAt.put(header.id(), new long[] {System.nanoTime(), sentAt.size()});
        long resend = Math.min(end, System.nanoTime() + backoff.next().toNanos());
        for (long left = resend - System.nanoTime(); left > 0; left = resend - System.nanoTime()) {
          if (selector.select(Math.max(1, left / 1_000_000)) == 0) {
            continue;
          }
          selector.selectedKeys().clear();
          for (int i = 0; i < 64; i++) { // drain, but never forever
            buffer.clear();
            if (channel.receive(buffer) == null) {
              break;
            }
            SignedMessage reply;
            try {
              reply = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP, held);
            } catch (ProtocolException refused) {
              rejected++;
              continue;
            }
            long[] sent = reply.header().replyTo().map(sentAt::get).orElse(null);
            if (reply.fingerprint().equals(node) && sent != null) {
              // the network's round trip: an execution's own run time (wall_ns) is not the link's
              // (a retry answered from the kept result comes back faster than the run took: its own
              // time counts)
              long busy = reply.message() instanceof Message.Result result ? result.wallNanos() : 0;
              long elapsed = System.nanoTime() - sent[0];
              timer.sample(Duration.ofNanos(busy < elapsed ? elapsed - busy : elapsed));
              return new Answered(Replies.unwrap(reply, peer.toString()), (int) sent[1]);
            }
            if (sent != null) {
              // a verified answer to our request signed by another key: someone answering in the
              // node's place (or another daemon now at that address); never taken, but told
              impostor = reply.fingerprint();
            }
          }
        }
      }
    } catch (IOException failed) {
      throw new ProtocolException(Reason.TRANSPORT, peer + ": " + failed.getMessage(), failed);
    }
    if (impostor != null) {
      throw wrongNode(peer, keyed, impostor, node);
    }
    throw new ProtocolException(
        Reason.NO_ANSWER,
        peer
            + " did not answer "
            + keyed.type()
            + " in "
            + sentAt.size()
            + " attempt(s) within "
            + budget.toMillis()
            + " ms"
            + (rejected > 0 ? " (" + rejected + " unverifiable datagrams ignored)" : ""));
  }

  private static ProtocolException wrongNode(
      InetSocketAddress peer, Message message, Fingerprint impostor, Fingerprint node) {
    return new ProtocolException(
        Reason.WRONG_NODE,
        peer
            + " answered "
            + message.type()
            + " signed by key "
            + impostor
            + ", not by node "
            + node
            + " that was asked; the answer was refused");
  }

  /** The round-trip estimate this client keeps for {@code peer}. */
  public RetransmitTimer timer(InetSocketAddress peer) {
    if (timers.size() >= TIMERS_KEPT && !timers.containsKey(peer)) {
      timers.clear(); // a client talking to thousands of peers starts their estimates again
    }
    return timers.computeIfAbsent(peer, p -> new RetransmitTimer());
  }

  /**
   * A describe of at least a third of a datagram (the largest reply is three times the request).
   */
  public Message.Describe padded(Fingerprint node, List<String> what, Optional<String> cursor) {
    int target =
        (WireLimits.UDP_DATAGRAM_BYTES + WireLimits.AMPLIFICATION_FACTOR - 1)
            / WireLimits.AMPLIFICATION_FACTOR;
    Header sample = Header.fresh(Audience.node(node), clock.instant());
    int bare = signer.signedSize(sample, new Message.Describe(what, cursor, 0));
    int pad = Math.max(0, target - bare - 8); // the "pad" key and its head cost up to 8 bytes more
    for (int i = 0;
        i < 16 && signer.signedSize(sample, new Message.Describe(what, cursor, pad)) < target;
        i++) {
      pad++;
    }
    return new Message.Describe(what, cursor, pad);
  }
}
