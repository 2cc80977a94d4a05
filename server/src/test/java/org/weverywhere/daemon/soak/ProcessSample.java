package org.weverywhere.daemon.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the kernel says about one process at one moment, read from {@code /proc/PID}: resident
 * memory, threads, open file descriptors and the CPU time it has used; and the size of a directory
 * tree on disk (the daemon's event journal). Readers of {@code /proc} text are separate from the
 * reading so that malformed text is tested without a process.
 */
record ProcessSample(long rssBytes, int threads, int openFiles, double cpuSeconds) {

  /**
   * Clock ticks per second of {@code /proc/PID/stat}'s times: {@code USER_HZ}, 100 on every Linux
   * architecture the JDK runs on (the kernel converts to it whatever its own tick rate).
   */
  static final double USER_HZ = 100;

  /** Reads {@code /proc/PID/status} and {@code /proc/PID/stat}, and counts {@code /proc/PID/fd}. */
  static ProcessSample of(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    String status;
    try {
      status = Files.readString(proc.resolve("status"));
    } catch (NoSuchFileException gone) {
      throw new IllegalStateException("process " + pid + " is gone (no " + gone.getFile() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + proc.resolve("status"), e);
    }
    String stat;
    try {
      stat = Files.readString(proc.resolve("stat"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + proc.resolve("stat"), e);
    }
    return new ProcessSample(
        kibibytes(status, "VmRSS") * 1024,
        (int) number(status, "Threads"),
        openFiles(proc),
        cpuTicks(stat) / USER_HZ);
  }

  /**
   * User plus system time, in clock ticks, from {@code /proc/PID/stat} text: fields 14 and 15,
   * counted after the command name's closing parenthesis (the name itself may hold spaces and
   * parentheses).
   */
  static long cpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("/proc stat has no ')' after the command name");
    }
    String[] fields = stat.substring(close + 1).strip().split(" ");
    // fields[0] is field 3 (the state), so field 14 (utime) is fields[11] and 15 (stime) fields[12]
    if (fields.length < 13) {
      throw new IllegalArgumentException(
          "/proc stat has " + (fields.length + 2) + " fields, not the 15 needed for CPU times");
    }
    return parse("utime", fields[11]) + parse("stime", fields[12]);
  }

  /** The value of a {@code Key: N kB} line of {@code /proc/PID/status}, in KiB. */
  static long kibibytes(String status, String key) {
    String value = field(status, key);
    if (!value.endsWith(" kB")) {
      throw new IllegalArgumentException(
          "/proc status field " + key + " is not in kB: '" + value + "'");
    }
    return parse(key, value.substring(0, value.length() - " kB".length()).trim());
  }

  /** The value of a {@code Key: N} line of {@code /proc/PID/status}. */
  static long number(String status, String key) {
    return parse(key, field(status, key));
  }

  private static long parse(String key, String digits) {
    try {
      long n = Long.parseLong(digits);
      if (n < 0) {
        throw new NumberFormatException("negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "/proc status field " + key + " is not a count: '" + digits + "'", e);
    }
  }

  private static String field(String status, String key) {
    for (String line : status.split("\n", 200)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equals(key)) {
        return line.substring(colon + 1).trim();
      }
    }
    throw new IllegalArgumentException("/proc status has no " + key + " line");
  }

  private static int openFiles(Path proc) {
    int count = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path ignored : fds) {
        count++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + proc.resolve("fd"), e);
    }
    return count;
  }

  /** Bytes of the regular files under {@code dir}; files deleted while walking are skipped. */
  static long treeBytes(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir, 8)) {
      return files.mapToLong(ProcessSample::sizeOrZero).sum();
    } catch (IOException | UncheckedIOException e) {
      // the journal rotates and deletes files while it is walked: one retry sees a settled tree
      try (Stream<Path> files = Files.walk(dir, 8)) {
        return files.mapToLong(ProcessSample::sizeOrZero).sum();
      } catch (IOException again) {
        throw new UncheckedIOException("cannot measure " + dir, again);
      }
    }
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException deletedMeanwhile) {
      return 0; // rotated away between the listing and the stat: no longer on disk
    }
  }

  /** The 1-minute load average of the machine, from {@code /proc/loadavg} text. */
  static double loadAverage(String loadavg) {
    String first = loadavg.strip().split("\\s+", 2)[0];
    try {
      double load = Double.parseDouble(first);
      if (!(load >= 0) || Double.isInfinite(load)) {
        throw new NumberFormatException("not a load");
      }
      return load;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "/proc/loadavg does not start with a load: '" + first + "'", e);
    }
  }

  static double loadAverage() {
    try {
      return loadAverage(Files.readString(Path.of("/proc/loadavg")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/loadavg", e);
    }
  }

  /**
   * The process's threads counted by name ({@code /proc/PID/task/N/comm}, at most 15 characters,
   * digits folded to {@code #}): which pool grew, when the count did.
   */
  static java.util.Map<String, Integer> threadNames(long pid) {
    java.util.Map<String, Integer> names = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (DirectoryStream<Path> all = Files.newDirectoryStream(tasks)) {
      for (Path task : all) {
        try {
          names.merge(folded(Files.readString(task.resolve("comm")).strip()), 1, Integer::sum);
        } catch (IOException endedMeanwhile) {
          // the thread ended between the listing and the read: not there any more
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tasks, e);
    }
    return names;
  }

  /**
   * The process's open files counted by what they are ({@code socket}, {@code pipe}, {@code
   * anon_inode:[eventpoll]}, or the path with digits folded to {@code #}).
   */
  static java.util.Map<String, Integer> fileKinds(long pid) {
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    try (DirectoryStream<Path> all = Files.newDirectoryStream(fds)) {
      for (Path fd : all) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          String kind =
              target.startsWith("socket:")
                  ? "socket"
                  : target.startsWith("pipe:")
                      ? "pipe"
                      : target.startsWith("anon_inode:") ? target : folded(target);
          kinds.merge(kind, 1, Integer::sum);
        } catch (IOException closedMeanwhile) {
          // closed between the listing and the read
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + fds, e);
    }
    return kinds;
  }

  static String folded(String name) {
    return name.replaceAll("[0-9]+", "#");
  }

  /** What changed from {@code before} to {@code after}: "name a → b" for each count that moved. */
  static java.util.List<String> changes(
      java.util.Map<String, Integer> before, java.util.Map<String, Integer> after) {
    java.util.Set<String> names = new java.util.TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    java.util.List<String> moved = new java.util.ArrayList<>();
    for (String name : names) {
      int a = before.getOrDefault(name, 0);
      int b = after.getOrDefault(name, 0);
      if (a != b) {
        moved.add(name + " " + a + " → " + b);
      }
    }
    return moved;
  }
}
