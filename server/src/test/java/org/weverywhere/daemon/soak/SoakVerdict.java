package org.weverywhere.daemon.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Flat or not: the rules a soak run is judged by, each with its measured value. Resources are
 * judged by the least-squares slope over the last two thirds of the run (the first third is
 * warm-up: class loading, JIT, caches and the heap filling to where the collector keeps it);
 * latency, throughput and the daemon's CPU time per request by comparing the last third with the
 * first.
 *
 * <p>A resource drifts when its growth above the limit is shown, not merely possible: when the
 * slope less 1.645 standard errors (one-sided, 95%) is above the limit. Pools that size themselves
 * to the load (Liberty's executor, the virtual threads' carriers) move the thread count by ±6 from
 * one minute to the next; over 20 one-minute samples that noise alone gives a slope's standard
 * error of about 6 threads an hour, as large as the limit, so a bare slope failed flat runs as
 * often as not. Quiet series (RSS, open files, the journal) have small standard errors and are held
 * as tightly as before.
 *
 * <p>Latency is the least robust figure on a shared machine: a p99 is mostly time spent waiting for
 * a CPU when other work runs. The daemon's CPU time per request is the figure that drifts when the
 * daemon itself does more work per request as it runs (a list scanned that keeps growing), whatever
 * else the machine does.
 */
record SoakVerdict(List<Check> checks) {

  /** One rule, the value it saw and whether the value keeps to it. */
  record Check(String rule, String measured, boolean holds) {}

  /** Growth per hour allowed, over the last two thirds. */
  static final double RSS_MIB_PER_HOUR = 32;

  static final double THREADS_PER_HOUR = 6;
  static final double OPEN_FILES_PER_HOUR = 12;
  static final double JOURNAL_MIB_PER_HOUR = 16;

  /** The last third's median per-minute p99 may be this much above the first third's. */
  static final double P99_DRIFT = 0.5;

  /** The last third's throughput may fall this much below the first third's. */
  static final double THROUGHPUT_DROP = 0.1;

  /** The last third's median daemon CPU time per request may be this much above the first's. */
  static final double CPU_PER_REQUEST_DRIFT = 0.25;

  /** The one-sided 95% quantile of the normal distribution: growth shown beyond noise. */
  static final double SHOWN = 1.645;

  /** Failed requests (errors, not refusals) allowed in the last third. */
  static final double ERROR_RATE = 0.01;

  boolean flat() {
    return checks.stream().allMatch(Check::holds);
  }

  /** Growth of the live heap (after a full collection) per hour allowed. */
  static final double LIVE_HEAP_MIB_PER_HOUR = 16;

  static SoakVerdict judge(List<SoakRow> rows) {
    return judge(rows, List.of());
  }

  /**
   * The live set from {@code start} (at {@code startMinute}) to {@code end}: growth per hour within
   * {@link #LIVE_HEAP_MIB_PER_HOUR}; a live set not measured does not hold.
   */
  static Check liveHeap(
      java.util.Optional<LiveHeap> start,
      double startMinute,
      java.util.Optional<LiveHeap> end,
      double endMinute) {
    String rule =
        String.format(
            Locale.ROOT,
            "live heap (jcmd GC.class_histogram, after a full GC) from minute %.0f to %.0f ≤ %.0f MiB/h",
            startMinute,
            endMinute,
            LIVE_HEAP_MIB_PER_HOUR);
    if (start.isEmpty() || end.isEmpty() || endMinute <= startMinute) {
      return new Check(rule, "not measured (jcmd could not read the daemon)", false);
    }
    double grown = (end.get().bytes() - start.get().bytes()) / SoakRow.MIB;
    double perHour = grown / ((endMinute - startMinute) / 60);
    return new Check(
        rule,
        String.format(
            Locale.ROOT,
            "%.1f → %.1f MiB, %+.1f MiB/h",
            start.get().bytes() / SoakRow.MIB,
            end.get().bytes() / SoakRow.MIB,
            perHour),
        perHour <= LIVE_HEAP_MIB_PER_HOUR);
  }

  static SoakVerdict judge(List<SoakRow> rows, List<Check> extra) {
    if (rows.size() < 4) {
      throw new IllegalArgumentException(
          "a verdict needs at least 4 samples (the start and 3 intervals), not " + rows.size());
    }
    double end = rows.get(rows.size() - 1).minute();
    List<SoakRow> lastTwoThirds = rows.stream().filter(r -> r.minute() >= end / 3).toList();
    // intervals (rows after the first, which is the start) by thirds of the run
    List<SoakRow> intervals = rows.subList(1, rows.size());
    List<SoakRow> first = intervals.stream().filter(r -> r.minute() <= end / 3 + 1e-9).toList();
    List<SoakRow> last = intervals.stream().filter(r -> r.minute() > 2 * end / 3 - 1e-9).toList();
    List<Check> checks = new ArrayList<>();
    checks.add(
        slope("RSS", "MiB/h", RSS_MIB_PER_HOUR, lastTwoThirds, r -> r.rssBytes() / SoakRow.MIB));
    checks.add(slope("threads", "/h", THREADS_PER_HOUR, lastTwoThirds, SoakRow::threads));
    checks.add(slope("open files", "/h", OPEN_FILES_PER_HOUR, lastTwoThirds, SoakRow::openFiles));
    checks.add(
        slope(
            "journal size",
            "MiB/h",
            JOURNAL_MIB_PER_HOUR,
            lastTwoThirds,
            r -> r.journalBytes() / SoakRow.MIB));
    double before = median(first, SoakRow::totalPerSecond);
    double after = median(last, SoakRow::totalPerSecond);
    checks.add(
        new Check(
            String.format(
                Locale.ROOT,
                "throughput: last third's median ≥ %.0f%% of the first third's",
                100 * (1 - THROUGHPUT_DROP)),
            String.format(Locale.ROOT, "%.1f/s vs %.1f/s", after, before),
            after >= (1 - THROUGHPUT_DROP) * before));
    double cpuBefore = median(first, SoakRow::cpuMillisPerRequest);
    double cpuAfter = median(last, SoakRow::cpuMillisPerRequest);
    checks.add(
        new Check(
            String.format(
                Locale.ROOT,
                "daemon CPU per request: last third's median ≤ first third's + %.0f%%",
                100 * CPU_PER_REQUEST_DRIFT),
            String.format(Locale.ROOT, "%.3f ms vs %.3f ms", cpuAfter, cpuBefore),
            !Double.isNaN(cpuBefore)
                && !Double.isNaN(cpuAfter)
                && cpuAfter <= (1 + CPU_PER_REQUEST_DRIFT) * cpuBefore));
    for (SoakKind kind : SoakKind.values()) {
      ToDoubleFunction<SoakRow> p99 =
          r -> {
            var f = r.kinds().get(kind);
            return f == null || f.completed() == 0 ? Double.NaN : f.p99Millis();
          };
      double a = median(first, p99);
      double b = median(last, p99);
      checks.add(
          new Check(
              String.format(
                  Locale.ROOT,
                  "%s p99: last third's median ≤ first third's + %.0f%%",
                  kind.label(),
                  100 * P99_DRIFT),
              String.format(Locale.ROOT, "%.1f ms vs %.1f ms", b, a),
              !Double.isNaN(a) && !Double.isNaN(b) && b <= (1 + P99_DRIFT) * a));
    }
    long done = last.stream().mapToLong(r -> r.totalCompleted() + r.totalErrors()).sum();
    long errors = last.stream().mapToLong(SoakRow::totalErrors).sum();
    double rate = done == 0 ? 1 : (double) errors / done;
    checks.add(
        new Check(
            String.format(
                Locale.ROOT, "errors in the last third ≤ %.1f%% of requests", 100 * ERROR_RATE),
            String.format(Locale.ROOT, "%d of %d (%.3f%%)", errors, done, 100 * rate),
            rate <= ERROR_RATE));
    checks.addAll(extra);
    return new SoakVerdict(List.copyOf(checks));
  }

  private static Check slope(
      String what, String unit, double limit, List<SoakRow> rows, ToDoubleFunction<SoakRow> y) {
    double[] xs = rows.stream().mapToDouble(r -> r.minute() / 60.0).toArray();
    double[] ys = rows.stream().mapToDouble(y).toArray();
    double s = slope(xs, ys);
    double se = standardError(xs, ys);
    return new Check(
        String.format(
            Locale.ROOT,
            "%s: least-squares slope over the last 2/3, less %.3f standard errors, ≤ %.0f %s",
            what,
            SHOWN,
            limit,
            unit),
        String.format(Locale.ROOT, "%+.1f ± %.1f %s", s, se, unit),
        s - SHOWN * se <= limit);
  }

  /**
   * The standard error of the least-squares slope of y over x: the residuals' spread over the
   * spread of x; 0 for fewer than three points or no spread in x.
   */
  static double standardError(double[] x, double[] y) {
    int n = x.length;
    if (n < 3 || n != y.length) {
      return 0;
    }
    double b = slope(x, y);
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxx = 0;
    double residuals = 0;
    for (int i = 0; i < n; i++) {
      sxx += (x[i] - mx) * (x[i] - mx);
      double r = y[i] - (my + b * (x[i] - mx));
      residuals += r * r;
    }
    return sxx == 0 ? 0 : Math.sqrt(residuals / (n - 2) / sxx);
  }

  /** The least-squares slope of y over x; 0 for fewer than two points or no spread in x. */
  static double slope(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
    }
    int n = x.length;
    if (n < 2) {
      return 0;
    }
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  /** The median of the values that are numbers; NaN when none is. */
  static double median(List<SoakRow> rows, ToDoubleFunction<SoakRow> f) {
    double[] v = rows.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  String text() {
    StringBuilder b = new StringBuilder();
    for (Check c : checks) {
      b.append(c.holds() ? "  ok    " : "  DRIFT ")
          .append(c.rule())
          .append(": ")
          .append(c.measured())
          .append('\n');
    }
    b.append(flat() ? "verdict: FLAT" : "verdict: NOT FLAT").append('\n');
    return b.toString();
  }
}
