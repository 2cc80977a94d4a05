package org.weverywhere.traffic;

/**
 * Bytes per second with a burst: tokens refill continuously at {@code rate} up to {@code burst},
 * and a charge is allowed only if it finds the tokens. Times are passed in (nanoseconds from any
 * fixed origin), so tests and callers share one clock. Not thread-safe: callers lock.
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long updatedAt;

  TokenBucket(long bytesPerSecond, long burst, long now) {
    this.ratePerNano = bytesPerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes {@code bytes} if there are that many tokens now; otherwise takes nothing. */
  boolean tryTake(long bytes, long now) {
    refill(now);
    if (tokens < bytes) {
      return false;
    }
    tokens -= bytes;
    return true;
  }

  /** Takes {@code bytes} whether or not they are there: traffic already sent or received. */
  void take(long bytes, long now) {
    refill(now);
    tokens -= bytes;
  }

  /** Tokens available now (negative after {@link #take} overdrew the bucket). */
  double available(long now) {
    refill(now);
    return tokens;
  }

  private void refill(long now) {
    if (now > updatedAt) {
      tokens = Math.min(burst, tokens + (now - updatedAt) * ratePerNano);
      updatedAt = now;
    }
  }
}
