package org.weverywhere.daemon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a process's CPU time went, by kind of thread, from {@code /proc/PID/task/TID/stat}: the
 * attack benchmark's profile of a daemon under a flood (which of its threads the flood keeps busy).
 * Thread names are what the kernel keeps (15 characters), grouped by what they are.
 */
record ThreadCpu(Map<String, Long> ticks) {
  private static final String SEPARATOR = " #";

  /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}; 100 on Linux). */
  static final int HZ = 100;

  static ThreadCpu of(long pid) throws IOException {
    Map<String, Long> ticks = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException ended) { // the thread ended since the listing
          continue;
        }
        // pid (comm) state ... utime stime: fields 14 and 15, counted after the ')' that ends comm
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).split(" ");
        long used = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
        // per thread: one that ended since the last look must not count as negative time
        ticks.put(kind(stat.substring(open + 1, close)) + SEPARATOR + task.getFileName(), used);
      }
    }
    return new ThreadCpu(ticks);
  }

  /** The kind of a thread, from the name the kernel keeps. */
  static String kind(String name) {
    if (name.startsWith("udp-verify-kno")) {
      return "udp verify (group keys)";
    }
    if (name.startsWith("udp-trusted")) {
      return "udp handle (group keys)";
    }
    if (name.startsWith("udp-endpoint-ve")) {
      return "udp verify";
    }
    if (name.startsWith("udp-endpoint")) {
      return "udp receive";
    }
    if (name.startsWith("udp-guest")) {
      return "guests (udp)";
    }
    if (name.startsWith("ForkJoinPool")) {
      return "virtual-thread carriers";
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return "gc";
    }
    if (name.startsWith("C1 ") || name.startsWith("C2 ")) {
      return "jit";
    }
    if (name.startsWith("Default Executo") || name.startsWith("Executor")) {
      return "liberty executor";
    }
    return "other";
  }

  /** CPU seconds per kind since {@code before}, largest first, e.g. {@code udp verify 3.1 s}. */
  String since(ThreadCpu before, double seconds) {
    Map<String, Long> byKind = new TreeMap<>();
    long total = 0;
    for (var e : ticks.entrySet()) {
      long used = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
      total += used;
      byKind.merge(e.getKey().substring(0, e.getKey().indexOf(SEPARATOR)), used, Long::sum);
    }
    Map<Long, String> out = new TreeMap<>(java.util.Comparator.reverseOrder());
    for (var e : byKind.entrySet()) {
      if (e.getValue() > 0) {
        out.put(e.getValue() * 1000 + out.size(), e.getKey());
      }
    }
    StringBuilder text =
        new StringBuilder(String.format("%.2f cores:", total / (double) HZ / seconds));
    out.forEach(
        (used, kind) ->
            text.append(String.format(" %s %.2f", kind, used / 1000 / (double) HZ / seconds)));
    return text.toString();
  }
}
