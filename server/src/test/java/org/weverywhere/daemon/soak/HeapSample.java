package org.weverywhere.daemon.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A JVM's heap as {@code jstat -gc PID} reports it (from the JVM's own performance counters, no
 * attach): all of the heap in use, and the old generation in use. Resident memory alone cannot tell
 * a leak from a heap the collector merely let grow; the old generation's floor can.
 */
record HeapSample(long usedBytes, long oldUsedBytes) {

  /** Runs {@code jstat -gc pid} (at most 10 s); empty when the JVM cannot be read so. */
  static Optional<HeapSample> of(long pid) {
    Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
    Process p = null;
    try {
      p =
          new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty();
      }
      return Optional.of(parse(new String(out, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException unreadable) {
      return Optional.empty(); // a figure missing from one row, said by the -1 in the CSV
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  /** Reads the header and value lines of {@code jstat -gc} (sizes in KiB). */
  static HeapSample parse(String text) {
    String[] lines = text.strip().split("\n", 4);
    if (lines.length < 2) {
      throw new IllegalArgumentException("jstat -gc printed no values: '" + text.strip() + "'");
    }
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[1].trim().split("\\s+");
    if (names.length != values.length) {
      throw new IllegalArgumentException(
          "jstat -gc: " + names.length + " columns but " + values.length + " values");
    }
    double s0 = column(names, values, "S0U");
    double s1 = column(names, values, "S1U");
    double eden = column(names, values, "EU");
    double old = column(names, values, "OU");
    return new HeapSample((long) ((s0 + s1 + eden + old) * 1024), (long) (old * 1024));
  }

  private static double column(String[] names, String[] values, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        try {
          double v = Double.parseDouble(values[i]);
          if (!(v >= 0) || Double.isInfinite(v)) {
            throw new NumberFormatException("not a size");
          }
          return v;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "jstat -gc column " + name + " is not a size: '" + values[i] + "'", e);
        }
      }
    }
    throw new IllegalArgumentException("jstat -gc has no column " + name);
  }
}
