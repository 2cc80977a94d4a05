package org.weverywhere.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void percentilesAreWithinTheBucketPrecisionOfTheExactOnes() {
    SplittableRandom random = new SplittableRandom(16);
    long[] values = new long[100_000];
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      // log-uniform from 10 µs to 10 s, as latencies spread
      values[i] = (long) Math.pow(10, 4 + random.nextDouble() * 6);
      histogram.record(values[i]);
    }
    Arrays.sort(values);
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
      long estimate = histogram.percentileNanos(p);
      assertTrue(
          Math.abs(estimate - exact) <= exact * 0.02 + 1_000,
          "p" + p + ": " + estimate + " vs " + exact);
    }
    assertEquals(values[values.length - 1], histogram.maxNanos());
    assertEquals(values.length, histogram.count());
  }

  @Test
  void bucketsCoverEveryValueInOrder() {
    int last = -1;
    for (long micros = 0; micros < 1L << 41; micros = micros < 4096 ? micros + 1 : micros * 9 / 8) {
      int index = LatencyHistogram.index(micros);
      assertTrue(index >= last, "index goes down at " + micros);
      assertTrue(LatencyHistogram.lowest(index) <= micros, "bucket of " + micros);
      last = index;
    }
    // far beyond the range: the last bucket, not an overflow
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(Long.MAX_VALUE);
    assertEquals(Long.MAX_VALUE, histogram.maxNanos());
  }

  @Test
  void mergingAddsCountsAndKeepsTheMax() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    a.record(1_000_000);
    b.record(3_000_000);
    b.record(2_000_000);
    a.add(b);
    assertEquals(3, a.count());
    assertEquals(3_000_000, a.maxNanos());
    assertEquals(0, new LatencyHistogram().percentileNanos(50));
  }
}
