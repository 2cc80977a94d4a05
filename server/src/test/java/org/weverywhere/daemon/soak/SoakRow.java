package org.weverywhere.daemon.soak;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * One sample of the soak: the daemon process and its journal at that moment, the machine's load,
 * and what each kind of request did since the previous sample.
 */
record SoakRow(
    double minute,
    double load,
    long rssBytes,
    int threads,
    int openFiles,
    long journalBytes,
    long heapUsedBytes,
    long oldUsedBytes,
    double cpuMillisPerRequest,
    Map<SoakKind, KindFigures> kinds) {

  SoakRow {
    kinds = Map.copyOf(kinds.isEmpty() ? new EnumMap<>(SoakKind.class) : new EnumMap<>(kinds));
  }

  /** What one kind of request came to over one interval. */
  record KindFigures(
      long completed,
      double perSecond,
      double p50Millis,
      double p99Millis,
      long errors,
      long refused) {}

  static final double MIB = 1024.0 * 1024.0;

  double totalPerSecond() {
    return kinds.values().stream().mapToDouble(KindFigures::perSecond).sum();
  }

  long totalCompleted() {
    return kinds.values().stream().mapToLong(KindFigures::completed).sum();
  }

  long totalErrors() {
    return kinds.values().stream().mapToLong(KindFigures::errors).sum();
  }

  long totalRefused() {
    return kinds.values().stream().mapToLong(KindFigures::refused).sum();
  }

  static String csvHeader() {
    StringBuilder b =
        new StringBuilder(
            "minute,load1,rss_mib,threads,open_files,journal_mib,heap_used_mib,old_gen_used_mib,cpu_ms_per_request,total_per_s");
    for (SoakKind k : SoakKind.values()) {
      String l = k.label();
      b.append(',').append(l).append("_per_s");
      b.append(',').append(l).append("_p50_ms");
      b.append(',').append(l).append("_p99_ms");
      b.append(',').append(l).append("_errors");
      b.append(',').append(l).append("_refused");
    }
    return b.toString();
  }

  String csv() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%.2f,%.2f,%.1f,%d,%d,%.2f,%s,%s,%s,%.1f",
            minute,
            load,
            rssBytes / MIB,
            threads,
            openFiles,
            journalBytes / MIB,
            heapUsedBytes < 0 ? "-1" : String.format(Locale.ROOT, "%.1f", heapUsedBytes / MIB),
            oldUsedBytes < 0 ? "-1" : String.format(Locale.ROOT, "%.1f", oldUsedBytes / MIB),
            Double.isNaN(cpuMillisPerRequest)
                ? ""
                : String.format(Locale.ROOT, "%.3f", cpuMillisPerRequest),
            totalPerSecond()));
    for (SoakKind k : SoakKind.values()) {
      KindFigures f = kinds.get(k);
      if (f == null) {
        b.append(",,,,,");
      } else {
        b.append(
            String.format(
                Locale.ROOT,
                ",%.1f,%.2f,%.2f,%d,%d",
                f.perSecond(),
                f.p50Millis(),
                f.p99Millis(),
                f.errors(),
                f.refused()));
      }
    }
    return b.toString();
  }
}
