package org.weverywhere.net;

import java.time.Duration;

/**
 * The retransmission timeout towards one peer, from measured round trips as RFC 6298 computes it:
 * {@code SRTT} and {@code RTTVAR} smoothed with α = 1/8 and β = 1/4, {@code RTO = SRTT + max(G, 4 ×
 * RTTVAR)}. Each attempt has its own message id and every reply names the attempt it answers
 * ({@code re}), so a round trip is measured even for a retransmitted request (Karn's ambiguity does
 * not arise).
 *
 * <p>Two deliberate departures from the RFC, which is written for TCP across the Internet: the
 * first timeout is {@link #INITIAL} (250 ms, not 1 s) and the floor {@link #MIN} (50 ms, not 1 s).
 * Daemons answer small datagrams on a LAN in well under a millisecond; a spurious retransmission
 * costs one datagram and, for an {@code execute} or {@code call}, nothing more, because the retry
 * carries the same request key and the daemon does not run it again. What bounds the waiting is the
 * caller's total budget (see {@link Backoff}).
 */
public final class RetransmitTimer {
  /** The timeout before any round trip has been measured. */
  public static final Duration INITIAL = Duration.ofMillis(250);

  /** The smallest timeout, however fast the peer answered. */
  public static final Duration MIN = Duration.ofMillis(50);

  /** The largest timeout (RFC 6298 §2.5 allows 60 s as an upper bound). */
  public static final Duration MAX = Duration.ofSeconds(60);

  /** Clock granularity G: the smallest variance term. */
  private static final long GRANULARITY_NANOS = Duration.ofMillis(1).toNanos();

  private long srttNanos = -1;
  private long rttvarNanos;
  private long samples;

  /** Takes one measured round trip into the estimate. */
  public synchronized void sample(Duration roundTrip) {
    long r = Math.max(0, roundTrip.toNanos());
    if (srttNanos < 0) {
      srttNanos = r;
      rttvarNanos = r / 2;
    } else {
      rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - r)) / 4;
      srttNanos = (7 * srttNanos + r) / 8;
    }
    samples++;
  }

  /** The current retransmission timeout, within {@link #MIN} and {@link #MAX}. */
  public synchronized Duration rto() {
    if (srttNanos < 0) {
      return INITIAL;
    }
    long rto = srttNanos + Math.max(GRANULARITY_NANOS, 4 * rttvarNanos);
    return Duration.ofNanos(Math.min(MAX.toNanos(), Math.max(MIN.toNanos(), rto)));
  }

  /** The smoothed round trip, or empty before the first sample. */
  public synchronized java.util.Optional<Duration> srtt() {
    return srttNanos < 0
        ? java.util.Optional.empty()
        : java.util.Optional.of(Duration.ofNanos(srttNanos));
  }

  /** The round-trip variation; zero before the first sample. */
  public synchronized Duration rttvar() {
    return Duration.ofNanos(rttvarNanos);
  }

  public synchronized long samples() {
    return samples;
  }
}
