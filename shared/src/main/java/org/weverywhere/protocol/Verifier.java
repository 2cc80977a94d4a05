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
  private final ReplayCache replays;
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

  public SignedMessage verify(byte[] bytes, WireLimits limits) {
    return verify(bytes, bytes.length, limits);
  }

  /** Verifies the first {@code length} bytes of {@code bytes}. */
  public SignedMessage verify(byte[] bytes, int length, WireLimits limits) {
    Sign1.Parts parts = Sign1.open(bytes, length, limits);
    MessageCodec.Decoded decoded = MessageCodec.decode(parts.payload(), limits);
    Header header = decoded.header();
    Instant now = clock.instant();
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
    replays.record(header.id(), header.timestamp());
    return new SignedMessage(
        header,
        decoded.message(),
        parts.signer().key(),
        parts.signer().fingerprint(),
        length,
        parts.signature());
  }
}
