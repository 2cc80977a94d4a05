package org.weverywhere.daemon.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a JVM's heap holds alive: {@code jcmd PID GC.class_histogram} runs a full collection first,
 * so its total is the live set, and its rows say which classes hold it. The old generation's
 * occupancy between collections grows with garbage not yet collected (G1 starts marking only at 45%
 * of the heap); the live set grows only with what is kept.
 */
record LiveHeap(long bytes, Map<String, Long> bytesByClass) {
  LiveHeap {
    bytesByClass = Map.copyOf(bytesByClass);
  }

  /** Rows kept: the histogram's largest classes (the growers that matter are among them). */
  static final int ROWS = 200;

  /** Runs {@code jcmd pid GC.class_histogram} (at most 60 s); empty when it cannot. */
  static Optional<LiveHeap> of(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = null;
    try {
      p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readNBytes(16 << 20);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty();
      }
      return Optional.of(parse(new String(out, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException unreadable) {
      return Optional.empty(); // the verdict then says the live set was not measured
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  /** Reads the rows ({@code N: instances bytes class}) and the {@code Total} line. */
  static LiveHeap parse(String text) {
    Map<String, Long> byClass = new HashMap<>();
    long total = -1;
    for (String line : text.split("\n", 100_000)) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[0].equals("Total")) {
        total = count(f[2], line);
      } else if (f.length >= 4 && f[0].endsWith(":") && byClass.size() < ROWS) {
        byClass.merge(f[3], count(f[2], line), Long::sum);
      }
    }
    if (total < 0) {
      throw new IllegalArgumentException("GC.class_histogram has no Total line");
    }
    return new LiveHeap(total, byClass);
  }

  private static long count(String digits, String line) {
    try {
      long n = Long.parseLong(digits);
      if (n < 0) {
        throw new NumberFormatException("negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "GC.class_histogram line is not counts: '" + line.strip() + "'", e);
    }
  }

  /** The classes that grew most from {@code before} to this, largest first, at most {@code n}. */
  List<String> growers(LiveHeap before, int n) {
    List<Map.Entry<String, Long>> grown = new ArrayList<>();
    bytesByClass.forEach(
        (k, v) -> {
          long d = v - before.bytesByClass().getOrDefault(k, 0L);
          if (d > 0) {
            grown.add(Map.entry(k, d));
          }
        });
    grown.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    return grown.stream()
        .limit(n)
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "%s +%.1f KiB (%.1f → %.1f KiB)",
                    e.getKey(),
                    e.getValue() / 1024.0,
                    before.bytesByClass().getOrDefault(e.getKey(), 0L) / 1024.0,
                    bytesByClass.get(e.getKey()) / 1024.0))
        .toList();
  }
}
