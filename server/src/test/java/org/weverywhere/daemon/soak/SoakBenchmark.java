package org.weverywhere.daemon.soak;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.weverywhere.config.DurationConverter;

/**
 * A soak run: mixed load (discover, describe, execute, call, fetch, control) against one real
 * daemon for a long time, sampling the daemon's process every interval (resident memory, heap,
 * threads, open files), its journal on disk, the machine's load, and throughput, p50 and p99,
 * errors and refusals per kind; then a verdict, flat or not, by the rules of {@link SoakVerdict},
 * the samples as CSV and the curves as SVG.
 *
 * <p>Properties: {@code weverywhere.soak.duration} (default 30m; a 2m smoke works), {@code
 * weverywhere.soak.sample} (default 1m), {@code weverywhere.soak.rate} (requests per second
 * offered, default 50), {@code weverywhere.soak.clients} (default 4), {@code weverywhere.soak.out}
 * (where the CSV and SVG go, default {@code ../docs}, as {@code soak.csv} and {@code soak.svg}),
 * {@code weverywhere.soak.daemon} ({@code liberty}, the default, or {@code weld} for the daemon's
 * beans under Weld SE, to try the load itself quickly).
 *
 * <p>Run: {@code ./mvnw -B -o -Pbench -pl server -am integration-test -DskipTests
 * -Dbench.only=soak} (see docs/PERFORMANCE.md for the command of the recorded run).
 */
public final class SoakBenchmark {
  private SoakBenchmark() {}

  static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  public static void main(String[] args) throws Exception {
    Duration duration = duration("weverywhere.soak.duration", Duration.ofMinutes(30));
    Duration every = duration("weverywhere.soak.sample", Duration.ofMinutes(1));
    if (every.compareTo(Duration.ofSeconds(1)) < 0
        || duration.compareTo(every.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "weverywhere.soak.sample must be at least 1s and a third of the duration at most: "
              + every
              + " of "
              + duration);
    }
    double rate = Double.parseDouble(System.getProperty("weverywhere.soak.rate", "50"));
    int clients = Integer.getInteger("weverywhere.soak.clients", 4);
    Path out = Path.of(System.getProperty("weverywhere.soak.out", "../docs"));
    String kind = System.getProperty("weverywhere.soak.daemon", "liberty");

    List<Path> libraries =
        List.of(
            EXAMPLES.resolve("math.wasi"),
            EXAMPLES.resolve("kv.wasi"),
            EXAMPLES.resolve("hello.wasi"));
    List<String> lines =
        List.of(
            "network.ipv6.enabled = false",
            "group.anonymous.privileges = execute, fetch",
            "services.kv.library = kv",
            "services.math.library = math",
            // only the daemon's own limits should show: quotas the load never reaches (two slots,
            // the machine's cores: more would not fit the sample's directory trees in a 2 GiB heap
            // beside the daemon, and the daemon would lower the memory quota to nothing)
            "host.quota.cores = 2",
            "group.anonymous.quota.cores = 2",
            "group.anonymous.quota.network.rate = 1GiB/s",
            "group.anonymous.quota.network.period-bytes = 1000GiB",
            "host.quota.network.rate = 1GiB/s",
            "host.quota.network.period-bytes = 1000GiB",
            // the journal rotates and deletes within the run: its size on disk must level off
            "events.journal.max-file-size = 2MiB",
            "events.journal.retention = 5m");

    List<String> failures = List.of();
    Optional<LiveHeap> liveStart = Optional.empty();
    boolean liveStartTaken = false;
    Optional<LiveHeap> liveEnd = Optional.empty();
    double liveStartMinute = 0;
    Map<String, Integer> threadsAtStart = Map.of();
    Map<String, Integer> threadsAtEnd = Map.of();
    Map<String, Integer> filesAtStart = Map.of();
    Map<String, Integer> filesAtEnd = Map.of();
    double liveEndMinute = 0;
    List<SoakRow> rows = new ArrayList<>();
    Path csv = out.resolve("soak.csv");
    Path svg = out.resolve("soak.svg");
    Files.createDirectories(out);
    try (SoakDaemon daemon =
        switch (kind) {
          case "weld" -> WeldSoakDaemon.start(lines, libraries);
          case "liberty" -> LibertySoakDaemon.start(lines, libraries);
          default ->
              throw new IllegalArgumentException(
                  "weverywhere.soak.daemon is liberty or weld, not '" + kind + "'");
        }) {
      SoakTarget target = daemon.target();
      // a run stopped by a signal (it runs for half an hour under nohup) stops its daemon too
      Thread stopDaemon = new Thread(daemon::close, "soak-stop-daemon");
      Runtime.getRuntime().addShutdownHook(stopDaemon);
      String machine =
          String.format(
              Locale.ROOT,
              "%d vCPUs, Java %s, daemon %s (pid %d), %.0f req/s offered by %d clients",
              Runtime.getRuntime().availableProcessors(),
              Runtime.version(),
              kind,
              target.pid(),
              rate,
              clients);
      System.out.printf("soak of %s, sampled every %s: %s%n", duration, every, machine);
      byte[] math = Files.readAllBytes(EXAMPLES.resolve("math.wasi"));
      Instant started = Instant.now();
      try (PrintWriter csvOut =
          new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
        csvOut.println(SoakRow.csvHeader());
        ProcessSample before = ProcessSample.of(target.pid());
        rows.add(sample(target, 0, Map.of(), before, before));
        csvOut.println(rows.get(0).csv());
        csvOut.flush();
        long t0 = System.nanoTime();
        try (SoakLoad load = new SoakLoad(target, math, clients, rate)) {
          for (int i = 1; (long) i * every.toNanos() <= duration.toNanos(); i++) {
            long due = t0 + i * every.toNanos();
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
              TimeUnit.NANOSECONDS.sleep(left);
            }
            if (!daemon.alive()) {
              throw new IllegalStateException(
                  String.format(
                      Locale.ROOT,
                      "the daemon died at minute %.1f (log: %s)",
                      (System.nanoTime() - t0) / 60e9,
                      daemon.log()));
            }
            SoakLoad.Interval interval = load.interval();
            double seconds = (System.nanoTime() - interval.startNanos) / 1e9;
            Map<SoakKind, SoakRow.KindFigures> kinds = new EnumMap<>(SoakKind.class);
            interval.kinds.forEach(
                (k, c) ->
                    kinds.put(
                        k,
                        new SoakRow.KindFigures(
                            c.ok.count(),
                            c.ok.count() / seconds,
                            c.ok.quantile(50) / 1e6,
                            c.ok.quantile(99) / 1e6,
                            c.errors.get(),
                            c.refused.get())));
            ProcessSample now = ProcessSample.of(target.pid());
            SoakRow row = sample(target, (System.nanoTime() - t0) / 60e9, kinds, before, now);
            before = now;
            rows.add(row);
            csvOut.println(row.csv());
            csvOut.flush();
            System.out.println(progress(row));
            if (!liveStartTaken && row.minute() >= duration.toSeconds() / 180.0) {
              liveStartTaken = true;
              // the live set the end is compared with, taken at a third of the run: by then the
              // bounded caches (the idempotency store holds 16,384 results, full after about ten
              // minutes at the default load) have filled, so what grows after it is a leak
              liveStartMinute = row.minute();
              liveStart = LiveHeap.of(target.pid());
              threadsAtStart = ProcessSample.threadNames(target.pid());
              filesAtStart = ProcessSample.fileKinds(target.pid());
            }
          }
          liveEndMinute = (System.nanoTime() - t0) / 60e9;
          liveEnd = LiveHeap.of(target.pid());
          threadsAtEnd = ProcessSample.threadNames(target.pid());
          filesAtEnd = ProcessSample.fileKinds(target.pid());
          failures = load.failures();
        }
      }
      System.out.println();
      if (!failures.isEmpty()) {
        System.out.println("failures (distinct texts, at most " + SoakLoad.MESSAGES_KEPT + "):");
        failures.forEach(f -> System.out.println("  " + f));
      }
      System.out.println("run: " + started + " to " + Instant.now() + "; " + machine);
      SoakVerdict verdict =
          SoakVerdict.judge(
              rows,
              List.of(SoakVerdict.liveHeap(liveStart, liveStartMinute, liveEnd, liveEndMinute)));
      System.out.printf(
          Locale.ROOT,
          "from minute %.0f to the end, threads by name: %s%n  open files by kind: %s%n",
          liveStartMinute,
          ProcessSample.changes(threadsAtStart, threadsAtEnd),
          ProcessSample.changes(filesAtStart, filesAtEnd));
      if (liveStart.isPresent() && liveEnd.isPresent()) {
        System.out.println("live heap, largest growers:");
        liveEnd.get().growers(liveStart.get(), 8).forEach(g -> System.out.println("  " + g));
      }
      System.out.print(verdict.text());
      Files.writeString(
          svg,
          SoakPlot.svg(
              String.format(
                  Locale.ROOT,
                  "WEverywhere soak, %s, %s — %s",
                  duration.toString().substring(2).toLowerCase(Locale.ROOT),
                  kind,
                  verdict.flat() ? "flat" : "not flat"),
              rows));
      System.out.println("samples: " + csv.toAbsolutePath().normalize());
      System.out.println("plot: " + svg.toAbsolutePath().normalize());
      System.out.println(table(rows));
      Runtime.getRuntime().removeShutdownHook(stopDaemon);
    }
  }

  /**
   * One row: {@code p} is the daemon now, {@code before} at the previous sample, so that its CPU
   * time per request is that of the interval the kinds' figures are from.
   */
  private static SoakRow sample(
      SoakTarget target,
      double minute,
      Map<SoakKind, SoakRow.KindFigures> kinds,
      ProcessSample before,
      ProcessSample p) {
    var heap = HeapSample.of(target.pid());
    long requests = kinds.values().stream().mapToLong(SoakRow.KindFigures::completed).sum();
    double cpuMillisPerRequest =
        requests == 0 ? Double.NaN : 1000 * (p.cpuSeconds() - before.cpuSeconds()) / requests;
    return new SoakRow(
        minute,
        ProcessSample.loadAverage(),
        p.rssBytes(),
        p.threads(),
        p.openFiles(),
        ProcessSample.treeBytes(target.journal()),
        heap.map(HeapSample::usedBytes).orElse(-1L),
        heap.map(HeapSample::oldUsedBytes).orElse(-1L),
        cpuMillisPerRequest,
        kinds);
  }

  private static String progress(SoakRow r) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%6.1f min  load %5.2f  rss %6.1f MiB  old %6.1f MiB  threads %3d  fds %4d  journal %6.2f MiB  cpu %5.2f ms/req  %6.1f req/s",
                r.minute(),
                r.load(),
                r.rssBytes() / SoakRow.MIB,
                r.oldUsedBytes() / SoakRow.MIB,
                r.threads(),
                r.openFiles(),
                r.journalBytes() / SoakRow.MIB,
                r.cpuMillisPerRequest(),
                r.totalPerSecond()));
    for (SoakKind k : SoakKind.values()) {
      var f = r.kinds().get(k);
      b.append(
          String.format(
              Locale.ROOT,
              "  %s %.1f/%.1f ms e%d r%d",
              k.label(),
              f.p50Millis(),
              f.p99Millis(),
              f.errors(),
              f.refused()));
    }
    return b.toString();
  }

  /** The samples as a Markdown table (every row; a 30-minute run has 31). */
  static String table(List<SoakRow> rows) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| min | load | RSS MiB | old gen MiB | threads | open files | journal MiB | daemon CPU ms/request | req/s |");
    for (SoakKind k : SoakKind.values()) {
      b.append(' ').append(k.label()).append(" p50/p99 ms |");
    }
    b.append(" errors | refused |\n|");
    b.append("---:|".repeat(9 + SoakKind.values().length + 2)).append('\n');
    for (SoakRow r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %.0f | %.1f | %.0f | %s | %d | %d | %.1f | %s | %.1f |",
              r.minute(),
              r.load(),
              r.rssBytes() / SoakRow.MIB,
              r.oldUsedBytes() < 0
                  ? "–"
                  : String.format(Locale.ROOT, "%.0f", r.oldUsedBytes() / SoakRow.MIB),
              r.threads(),
              r.openFiles(),
              r.journalBytes() / SoakRow.MIB,
              Double.isNaN(r.cpuMillisPerRequest())
                  ? "–"
                  : String.format(Locale.ROOT, "%.2f", r.cpuMillisPerRequest()),
              r.totalPerSecond()));
      for (SoakKind k : SoakKind.values()) {
        var f = r.kinds().get(k);
        b.append(
            f == null
                ? " |"
                : String.format(Locale.ROOT, " %.1f / %.1f |", f.p50Millis(), f.p99Millis()));
      }
      b.append(String.format(Locale.ROOT, " %d | %d |%n", r.totalErrors(), r.totalRefused()));
    }
    return b.toString();
  }

  /** A duration property in the configuration's notation (30m, 2m, 90s...). */
  static Duration duration(String property, Duration fallback) {
    String text = System.getProperty(property);
    if (text == null) {
      return fallback;
    }
    Duration d;
    try {
      d = new DurationConverter().convert(text.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          property + " is not a duration (like 30m or 120s): '" + text + "'", e);
    }
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(48)) > 0) {
      throw new IllegalArgumentException(property + " must be above 0 and at most 48h: " + text);
    }
    return d;
  }
}
