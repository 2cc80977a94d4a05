package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void quantilesAreWithinABucketOfTheExactOnes() {
    Random random = new Random(42);
    long[] values = new long[20_000];
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      // log-uniform from 10 µs to 10 s: the spread a soak sees
      values[i] = (long) Math.pow(10, 4 + 6 * random.nextDouble());
      h.record(values[i]);
    }
    Arrays.sort(values);
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = values[(int) Math.ceil(values.length * p / 100) - 1];
      long got = h.quantile(p);
      assertTrue(got >= exact && got <= exact * 1.033, p + ": " + got + " for exact " + exact);
    }
    assertEquals(values[values.length - 1], h.quantile(100));
    assertEquals(values.length, h.count());
  }

  @Test
  void smallValuesAreExactAndEmptyIsZero() {
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(0, h.quantile(99));
    for (long v = 0; v < 32; v++) {
      h.record(v);
    }
    assertEquals(15, h.quantile(50));
    assertEquals(31, h.quantile(100));
  }

  @Test
  void hostileValuesNeitherCrashNorOverflow() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(-5); // a clock step backwards: counted as 0
    h.record(Long.MAX_VALUE);
    assertEquals(0, h.quantile(50));
    assertEquals(Long.MAX_VALUE, h.quantile(100));
    for (int i = 0; i < 60 * 32; i++) {
      assertTrue(LatencyHistogram.upperEdge(i) >= 0, "edge of bucket " + i);
    }
    assertThrows(IllegalArgumentException.class, () -> h.quantile(101));
    assertThrows(IllegalArgumentException.class, () -> h.quantile(-1));
    assertThrows(IllegalArgumentException.class, () -> h.quantile(Double.NaN));
  }
}
