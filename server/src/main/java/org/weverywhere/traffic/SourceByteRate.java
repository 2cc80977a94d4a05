package org.weverywhere.traffic;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * Bytes per second per source address for work a stranger makes the daemon do before anything is
 * verified (reading and checking a large unverified body). A body is taken while its source is not
 * in debt and then charged whole, so one body of any size passes after a pause and a flood gets the
 * rate, not its bandwidth. The table is bounded like {@link SourceLimiter}'s.
 */
public final class SourceByteRate {
  private final LongSupplier clock;
  private final SourceBuckets sources;

  /**
   * @param bytesPerSecond what one source may send, on average
   * @param burst what it may send at once after a pause
   * @param maxSources sources remembered; the least recently seen are forgotten beyond it
   * @param clock nanoseconds from any fixed origin
   */
  public SourceByteRate(long bytesPerSecond, long burst, int maxSources, LongSupplier clock) {
    if (bytesPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("a rate and a burst of at least one byte");
    }
    this.clock = clock;
    this.sources = new SourceBuckets(bytesPerSecond, burst, maxSources);
  }

  /**
   * Takes {@code bytes} from {@code source} if it is not in debt: 0 then, otherwise the nanoseconds
   * until it is out of debt (and nothing is charged).
   */
  public synchronized long admit(InetAddress source, long bytes) {
    long now = clock.getAsLong();
    TokenBucket bucket = sources.of(source, now);
    if (bucket.available(now) <= 0) {
      return Math.max(1, bucket.debtNanos(now));
    }
    bucket.take(bytes, now);
    return 0;
  }
}
