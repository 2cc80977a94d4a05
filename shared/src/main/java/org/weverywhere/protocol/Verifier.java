package org.weverywhere.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Fingerprint;

/**
 * Decides whether received bytes are a message to act on. Checks, in the order of the steps of
 * docs/PROTOCOL.md §5 (the first failure is the reason reported): size, envelope walk and shape,
 * algorithm, header form, signature, payload walk and limits, version, type, header fields, body,
 * timestamp window, audience, signed before a restart, replay.
 *
 * <p>The replay cache is consulted last so that only messages that passed every other check take a
 * place in it.
 */
public final class Verifier {
  /** The default accepted clock difference, each way. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);

  private final Clock clock;
  private final Duration window;
  private final ReplayCaches replays;
  private final Optional<Fingerprint> self;
  private final ReplayHorizon horizon;

  /**
   * @param self this node's id (its host key's fingerprint); empty for a client, which has no node
   *     id and so accepts only messages addressed to {@code any} (as replies and announces are)
   */
  public Verifier(Clock clock, Duration window, ReplayCache replays, Optional<Fingerprint> self) {
    this(clock, window, replays, self, ReplayHorizon.NONE);
  }

  /**
   * @param horizon what this receiver remembers across restarts (a daemon's; clients have none)
   */
  public Verifier(
      Clock clock,
      Duration window,
      ReplayCache replays,
      Optional<Fingerprint> self,
      ReplayHorizon horizon) {
    this(clock, window, ReplayCaches.single(replays), self, horizon);
  }

  /**
   * @param replays a cache for trusted signers' ids apart from everyone else's (a daemon's)
   */
  public Verifier(
      Clock clock,
      Duration window,
      ReplayCaches replays,
      Optional<Fingerprint> self,
      ReplayHorizon horizon) {
    this.horizon = Objects.requireNonNull(horizon);
    this.clock = Objects.requireNonNull(clock);
    this.window = Objects.requireNonNull(window);
    this.replays = Objects.requireNonNull(replays);
    this.self = Objects.requireNonNull(self);
    if (window.compareTo(replays.window()) > 0) {
      throw new IllegalArgumentException("the replay cache must cover the whole window " + window);
    }
  }

  /** A verifier with the default window and a replay cache of {@code capacity} ids. */
  public static Verifier of(Clock clock, Optional<Fingerprint> self, int capacity) {
    return new Verifier(clock, DEFAULT_WINDOW, new ReplayCache(DEFAULT_WINDOW, capacity), self);
  }

  /** The sessions a receiver holds, by id (docs/PROTOCOL.md §5a). */
  @FunctionalInterface
  public interface Sessions {
    /** The session of {@code id}, or null when this receiver holds none of that id. */
    Session find(byte[] id);

    /** A receiver that holds no session: every sealed message is {@code SESSION_UNKNOWN}. */
    Sessions NONE = id -> null;
  }

  /**
   * Verifies a signed message (§5) or, when its first byte says it is sealed, a message sealed in
   * one of {@code sessions} (§5a).
   */
  public SignedMessage verify(byte[] bytes, int length, WireLimits limits, Sessions sessions) {
    return Sealed.isSealed(bytes, length)
        ? verifySealed(bytes, length, limits, sessions)
        : verify(bytes, length, limits);
  }

  /**
   * Checks a sealed message in the order of the steps of docs/PROTOCOL.md §5a: size, envelope walk
   * and shape, algorithm, header form, session, authentication, payload walk and limits, version,
   * type, header fields, body, type allowed in a session, timestamp window, audience, counter.
   */
  public SignedMessage verifySealed(
      byte[] bytes, int length, WireLimits limits, Sessions sessions) {
    Sealed.Parts parts = Sealed.open(bytes, length, limits);
    Session session = sessions.find(parts.sessionId());
    Session.Role role = self.isPresent() ? Session.Role.NODE : Session.Role.CLIENT;
    String id = java.util.HexFormat.of().formatHex(parts.sessionId());
    if (session == null || session.role() != role) {
      throw new ProtocolException(
          Reason.SESSION_UNKNOWN,
          "no session " + id + " here (never opened, forgotten, or before a restart)");
    }
    Instant now = clock.instant();
    if (session.expired(now)) {
      throw new ProtocolException(
          Reason.SESSION_EXPIRED, "session " + id + " expired at " + session.expires());
    }
    byte[] payload = session.open(parts);
    MessageCodec.Decoded decoded = MessageCodec.decode(payload, limits);
    Header header = decoded.header();
    String type = decoded.message().type();
    boolean allowed =
        role == Session.Role.NODE
            ? SESSION_REQUESTS.contains(type)
            : SESSION_REPLIES.contains(type);
    if (!allowed) {
      throw new ProtocolException(
          Reason.SESSION_NOT_ALLOWED,
          "a session may not carry "
              + type
              + (role == Session.Role.NODE
                  ? " to a node (only " + SESSION_REQUESTS + "); sign it"
                  : " to a client (only " + SESSION_REPLIES + ")"));
    }
    checkTime(header, now);
    if (self.isPresent() && !header.audience().equals(Audience.node(self.get()))) {
      throw new ProtocolException(
          Reason.WRONG_AUDIENCE,
          "a sealed message is for " + header.audience() + ", not this node");
    }
    if (self.isEmpty() && header.audience() instanceof Audience.Node) {
      throw new ProtocolException(
          Reason.WRONG_AUDIENCE,
          "message is for node " + header.audience() + "; a client accepts only messages for any");
    }
    if (!session.accept(parts.counter())) {
      throw new ProtocolException(
          Reason.SESSION_REPLAYED,
          "counter "
              + parts.counter()
              + " of session "
              + id
              + " was accepted before or is older than the last "
              + ReplayWindow.SIZE);
    }
    return new SignedMessage(
        header,
        decoded.message(),
        session.peerKey(),
        session.peer(),
        length,
        session.handshakeSignature(),
        Optional.of(new SignedMessage.InSession(session, parts.counter())));
  }

  /** The requests a session may carry to a node. */
  public static final java.util.Set<String> SESSION_REQUESTS =
      java.util.Set.of("describe", "fetch", "execute", "call");

  /** The replies a session may carry back to a client. */
  public static final java.util.Set<String> SESSION_REPLIES =
      java.util.Set.of("description", "module", "result", "error");

  public SignedMessage verify(byte[] bytes, WireLimits limits) {
    return verify(bytes, bytes.length, limits);
  }

  /** Verifies the first {@code length} bytes of {@code bytes}. */
  public SignedMessage verify(byte[] bytes, int length, WireLimits limits) {
    Sign1.Parts parts = Sign1.open(bytes, length, limits);
    MessageCodec.Decoded decoded = MessageCodec.decode(parts.payload(), limits);
    Header header = decoded.header();
    checkTime(header, clock.instant());
    if (self.isPresent() && !header.audience().includes(self.get())) {
      throw new ProtocolException(
          Reason.WRONG_AUDIENCE, "message is for " + header.audience() + ", not this node");
    }
    if (self.isEmpty() && header.audience() instanceof Audience.Node) {
      throw new ProtocolException(
          Reason.WRONG_AUDIENCE,
          "message is for node " + header.audience() + "; a client accepts only messages for any");
    }
    // a message an earlier run of this receiver could have accepted is refused: its replay cache is
    // gone
    horizon.admit(header.timestamp());
    replays.record(parts.signer().fingerprint(), header.id(), header.timestamp());
    return new SignedMessage(
        header,
        decoded.message(),
        parts.signer().key(),
        parts.signer().fingerprint(),
        length,
        parts.signature());
  }

  private void checkTime(Header header, Instant now) {
    Duration skew = Duration.between(now, header.timestamp());
    if (skew.abs().compareTo(window) > 0) {
      throw new ProtocolException(
          Reason.STALE,
          "timestamp "
              + header.timestamp()
              + " is "
              + skew.abs().toMillis()
              + " ms "
              + (skew.isNegative() ? "behind" : "ahead of")
              + " this node's clock; at most "
              + window.toMillis()
              + " ms accepted");
    }
  }
}
