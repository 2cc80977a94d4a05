package org.weverywhere.daemon.soak;

/**
 * Latencies counted in log-linear buckets (32 per power of two: a quantile is within 3.2% of the
 * true value), so that a minute of requests costs a fixed 16 KiB however many there were: the soak
 * runs for half an hour and must not grow with what it measures. Thread-safe.
 */
final class LatencyHistogram {
  private static final int SUB = 32; // buckets per power of two
  private static final int SUB_BITS = 5;
  private static final int OCTAVES = 64 - SUB_BITS;

  private final long[] counts = new long[(OCTAVES + 1) * SUB];
  private long total;
  private long max;

  synchronized void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  synchronized long count() {
    return total;
  }

  /**
   * The value below which {@code percent} % of the recorded latencies fall (the upper edge of its
   * bucket, never above the largest seen); 0 when nothing was recorded.
   */
  synchronized long quantile(double percent) {
    if (percent < 0 || percent > 100 || Double.isNaN(percent)) {
      throw new IllegalArgumentException("a percentile is within 0..100: " + percent);
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(total * percent / 100.0));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, upperEdge(i));
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int octave = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS + 1; // >= 1
    int sub = (int) (v >>> (octave - 1)) - SUB; // 0..SUB-1 : the next 5 bits after the top one
    return octave * SUB + sub;
  }

  static long upperEdge(int index) {
    int octave = index / SUB;
    int sub = index % SUB;
    if (octave == 0) {
      return sub;
    }
    long edge = (((long) (SUB + sub + 1)) << (octave - 1)) - 1;
    return edge < 0 ? Long.MAX_VALUE : edge; // the last octave's top bucket overflows
  }
}
