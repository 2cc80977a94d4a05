package org.weverywhere.net;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to send the next attempt of one exchange: the first waits the peer's current RTO, each later
 * one twice the one before (exponential backoff), every wait spread by ±20% jitter so that clients
 * that lost the same burst do not retry in step. No wait is longer than a sixth of the total
 * budget, however slow the peer seemed, so that a budget always holds about six attempts or more:
 * with the default 3 s and a fresh peer, attempts leave at about 0, 0.25, 0.75, 1.25, 1.75, 2.25
 * and 2.75 s. Nothing is sent after the budget is spent.
 */
public final class Backoff {
  /** Jitter: each wait is multiplied by a factor uniformly in [1 − JITTER, 1 + JITTER). */
  static final double JITTER = 0.2;

  private final Duration ceiling;
  private final RandomGenerator random;
  private Duration current;

  /**
   * @param rto the first wait (from {@link RetransmitTimer#rto()})
   * @param budget the whole exchange's time, retries included
   */
  public Backoff(Duration rto, Duration budget, RandomGenerator random) {
    if (rto.isNegative() || rto.isZero() || budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("rto and budget must be positive");
    }
    // a long execution once measured must not leave the next request a single attempt
    Duration sixth = sixthOf(budget);
    this.ceiling = sixth.isZero() ? budget : sixth;
    this.random = random;
    this.current = min(rto, ceiling);
  }

  /** The wait after the attempt just sent; the next call returns the one after the next attempt. */
  public Duration next() {
    double factor = 1 - JITTER + 2 * JITTER * random.nextDouble();
    Duration wait = Duration.ofNanos((long) (current.toNanos() * factor));
    current = min(current.plus(current), ceiling); // multipliedBy would go through BigDecimal
    return wait;
  }

  /** The largest wait between attempts, before jitter. */
  public Duration ceiling() {
    return ceiling;
  }

  /**
   * A positive duration divided by 6, rounded down as {@link Duration#dividedBy(long)} does, which
   * goes through BigDecimal: its first use cost the CLI's {@code run} about 6% of its start (so do
   * {@code multipliedBy} and {@code dividedBy(Duration)}).
   */
  static Duration sixthOf(Duration positive) {
    long seconds = positive.getSeconds();
    return Duration.ofSeconds(
        seconds / 6, ((seconds % 6) * 1_000_000_000L + positive.getNano()) / 6);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
