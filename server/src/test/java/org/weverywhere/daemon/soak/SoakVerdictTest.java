package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class SoakVerdictTest {
  private static final long MIB = 1 << 20;

  /** 31 rows, a minute apart, with RSS and p99 per minute as given. */
  private static List<SoakRow> run(IntFunction<Long> rss, IntFunction<Double> p99) {
    return run(rss, p99, m -> 80, m -> m == 0 ? Double.NaN : 1.5);
  }

  /** 31 rows, a minute apart, with RSS, p99, threads and daemon CPU per request as given. */
  private static List<SoakRow> run(
      IntFunction<Long> rss,
      IntFunction<Double> p99,
      IntFunction<Integer> threads,
      IntFunction<Double> cpu) {
    List<SoakRow> rows = new ArrayList<>();
    for (int m = 0; m <= 30; m++) {
      Map<SoakKind, SoakRow.KindFigures> kinds = new EnumMap<>(SoakKind.class);
      if (m > 0) {
        for (SoakKind k : SoakKind.values()) {
          kinds.put(k, new SoakRow.KindFigures(600, 10, 2, p99.apply(m), 0, 0));
        }
      }
      rows.add(
          new SoakRow(
              m,
              3,
              rss.apply(m),
              threads.apply(m),
              120,
              12 * MIB,
              200 * MIB,
              100 * MIB,
              cpu.apply(m),
              kinds));
    }
    return rows;
  }

  @Test
  void slopeOfALineIsItsSlope() {
    assertEquals(
        2.5, SoakVerdict.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3.5, 6, 8.5}), 1e-9);
    assertEquals(0, SoakVerdict.slope(new double[] {1}, new double[] {5}));
    assertEquals(0, SoakVerdict.slope(new double[] {2, 2}, new double[] {1, 9}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SoakVerdict.slope(new double[] {1, 2}, new double[] {1}));
  }

  @Test
  void aFlatRunIsFlatThoughItsFirstMinutesGrow() {
    // warm-up: RSS climbs 100 MiB in the first 5 minutes, then holds with ±4 MiB of noise
    var verdict =
        SoakVerdict.judge(
            run(m -> (400 + Math.min(m, 5) * 20 + (m % 2 == 0 ? 4 : -4)) * MIB, m -> 20.0));
    assertTrue(verdict.flat(), verdict.text());
    assertTrue(verdict.text().endsWith("verdict: FLAT\n"), verdict.text());
  }

  @Test
  void aSlowLeakIsNotFlat() {
    // 1 MiB a minute: 60 MiB/h
    var verdict = SoakVerdict.judge(run(m -> (400 + m) * MIB, m -> 20.0));
    assertFalse(verdict.flat());
    var rss = verdict.checks().get(0);
    assertTrue(rss.rule().startsWith("RSS") && !rss.holds(), verdict.text());
    assertEquals("+60.0 ± 0.0 MiB/h", rss.measured());
  }

  /** The thread counts of the recorded soak run of 2026-12-02 14:04, minutes 0 to 30. */
  private static final int[] POOLS_SIZING_THEMSELVES = {
    62, 80, 73, 71, 74, 81, 68, 72, 76, 71, 73, 75, 71, 73, 78, 76, 76, 78, 72, 75, 76, 75, 77, 72,
    74, 75, 84, 76, 81, 76, 73
  };

  @Test
  void threadPoolsThatSizeThemselvesAreNotALeak() {
    var verdict =
        SoakVerdict.judge(
            run(m -> 400 * MIB, m -> 20.0, m -> POOLS_SIZING_THEMSELVES[m], m -> 1.5));
    var threads = verdict.checks().get(1);
    assertTrue(threads.rule().startsWith("threads") && threads.holds(), verdict.text());
  }

  @Test
  void aThreadLeakAboveThePoolsNoiseIsNotFlat() {
    // one thread more every two minutes (30 an hour) on top of the same noise
    var verdict =
        SoakVerdict.judge(
            run(m -> 400 * MIB, m -> 20.0, m -> POOLS_SIZING_THEMSELVES[m] + m / 2, m -> 1.5));
    var threads = verdict.checks().get(1);
    assertTrue(threads.rule().startsWith("threads") && !threads.holds(), verdict.text());
  }

  @Test
  void moreDaemonCpuPerRequestIsADrift() {
    // every minute costs 2% more CPU per request than the one before: a list that keeps growing
    var verdict =
        SoakVerdict.judge(run(m -> 400 * MIB, m -> 20.0, m -> 80, m -> 1.5 * (1 + 0.02 * m)));
    assertFalse(verdict.flat(), verdict.text());
    assertTrue(verdict.text().contains("DRIFT daemon CPU per request"), verdict.text());
  }

  @Test
  void standardErrorOfAPerfectLineIsZeroAndGrowsWithNoise() {
    double[] x = {0, 1, 2, 3, 4};
    assertEquals(0, SoakVerdict.standardError(x, new double[] {1, 2, 3, 4, 5}), 1e-12);
    // slope 1, residuals 0.8, -1.2, 0.8, -1.2, 0.8: s² = 4.8 / 3 over sxx = 10
    assertEquals(0.4, SoakVerdict.standardError(x, new double[] {2, 1, 4, 3, 6}), 1e-12);
    assertEquals(0, SoakVerdict.standardError(new double[] {1, 2}, new double[] {1, 9}));
  }

  @Test
  void aDriftingP99IsNotFlat() {
    var verdict = SoakVerdict.judge(run(m -> 400 * MIB, m -> 20.0 + m));
    assertFalse(verdict.flat(), verdict.text());
    assertTrue(verdict.text().contains("DRIFT execute p99"), verdict.text());
  }

  @Test
  void tooFewSamplesCannotBeJudged() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SoakVerdict.judge(run(m -> 1L, m -> 1.0).subList(0, 3)));
    assertTrue(e.getMessage().contains("at least 4 samples"), e.getMessage());
  }

  @Test
  void medianSkipsMissingFigures() {
    var rows = run(m -> 1L, m -> m % 2 == 0 ? Double.NaN : (double) m);
    assertEquals(
        15,
        SoakVerdict.median(
            rows.subList(1, 31),
            r -> {
              var f = r.kinds().get(SoakKind.CALL);
              return f.p99Millis();
            }));
    assertTrue(Double.isNaN(SoakVerdict.median(List.of(), r -> 1)));
  }
}
