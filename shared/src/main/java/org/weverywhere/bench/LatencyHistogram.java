package org.weverywhere.bench;

/**
 * Latencies in bounded memory: exact to the microsecond below 128 µs, then 64 buckets per power of
 * two (within 1.6 %), up to about 2^40 µs. A run of any length costs the same few kilobytes, so a
 * load generator left running for hours cannot grow without bound. One per thread; {@link #add}
 * merges.
 */
public final class LatencyHistogram {
  private static final int EXACT = 128;
  private static final int SUB_BITS = 6;
  private static final int SUB = 1 << SUB_BITS;
  private static final int MAX_EXPONENT = 40;
  private static final int BUCKETS = EXACT + (MAX_EXPONENT - 7 + 1) * SUB;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long maxNanos;

  /** Records one latency. */
  public void record(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    counts[index(micros)]++;
    total++;
    maxNanos = Math.max(maxNanos, nanos);
  }

  static int index(long micros) {
    if (micros < EXACT) {
      return (int) micros;
    }
    int exponent = Math.min(MAX_EXPONENT, 63 - Long.numberOfLeadingZeros(micros));
    long sub = (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
    if (exponent == MAX_EXPONENT && micros >= (1L << (MAX_EXPONENT + 1))) {
      sub = SUB - 1; // beyond the range: the last bucket
    }
    return EXACT + (exponent - 7) * SUB + (int) sub;
  }

  /** The lowest latency a bucket holds, in microseconds. */
  static long lowest(int index) {
    if (index < EXACT) {
      return index;
    }
    int exponent = 7 + (index - EXACT) / SUB;
    long sub = (index - EXACT) % SUB;
    return (1L << exponent) + (sub << (exponent - SUB_BITS));
  }

  /** Adds another histogram's latencies to this one. */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    maxNanos = Math.max(maxNanos, other.maxNanos);
  }

  public long count() {
    return total;
  }

  /**
   * The latency below which {@code percent} of the recorded ones fall, in nanoseconds (the middle
   * of its bucket); 0 when nothing was recorded.
   */
  public long percentileNanos(double percent) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        long low = lowest(i);
        long high = i + 1 < BUCKETS ? lowest(i + 1) : low;
        long middle = (low + Math.max(low, high - 1)) * 1_000 / 2;
        return Math.min(middle, maxNanos);
      }
    }
    return maxNanos;
  }

  public long maxNanos() {
    return maxNanos;
  }
}
