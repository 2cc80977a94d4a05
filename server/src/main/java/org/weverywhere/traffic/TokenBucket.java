package org.weverywhere.traffic;

/**
 * Bytes per second with a burst: tokens refill continuously at {@code rate} up to {@code burst},
 * and a charge is allowed only if it finds the tokens. Times are passed in (nanoseconds from any
 * fixed origin), so tests and callers share one clock. Not thread-safe: callers lock.
 */
final class TokenBucket {
  private double ratePerNano;
  private double burst;
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

  /** A new rate and burst from now on; the tokens there are stay (up to the new burst). */
  void rate(long bytesPerSecond, long burst, long now) {
    refill(now);
    this.ratePerNano = bytesPerSecond / 1e9;
    this.burst = burst;
    this.tokens = Math.min(tokens, burst);
  }

  /** Nanoseconds until the bucket is out of debt (0 when it is not in debt). */
  long debtNanos(long now) {
    refill(now);
    return tokens >= 0 || ratePerNano <= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
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
