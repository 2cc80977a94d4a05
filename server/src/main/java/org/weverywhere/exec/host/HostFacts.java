package org.weverywhere.exec.host;

import static org.weverywhere.wasm.ValueType.F64;
import static org.weverywhere.wasm.ValueType.I32;
import static org.weverywhere.wasm.ValueType.I64;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntToLongFunction;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ValueType;

/**
 * The {@code weverywhere_host} import module of docs/HOST-FACTS.md: pure queries about this host,
 * read when called. Linked only for groups with the {@code observe} privilege.
 */
public final class HostFacts {
  public static final String MODULE = "weverywhere_host";

  private final IntToLongFunction quotaRemaining;
  private final DaemonFacts daemon;

  /**
   * @param quotaRemaining answers {@code quota_remaining(which)} for the caller's group: -1
   *     unlimited, -2 unknown {@code which}
   */
  public HostFacts(IntToLongFunction quotaRemaining) {
    this(quotaRemaining, DaemonFacts.NONE);
  }

  /** As above, with the daemon's own figures (disk, executions, slots per group). */
  public HostFacts(IntToLongFunction quotaRemaining, DaemonFacts daemon) {
    this.quotaRemaining = quotaRemaining;
    this.daemon = daemon;
  }

  public List<HostFunction> functions() {
    return List.of(
        fn("memory_total_bytes", List.of(), I64, a -> os().getTotalMemorySize()),
        fn("memory_free_bytes", List.of(), I64, a -> memoryAvailable()),
        fn("cpu_logical_cores", List.of(), I32, a -> Runtime.getRuntime().availableProcessors()),
        fn("load_average", List.of(I32), F64, a -> Double.doubleToRawLongBits(load((int) a[0]))),
        fn("uptime_millis", List.of(), I64, a -> uptimeMillis()),
        fn("quota_remaining", List.of(I32), I64, a -> quotaRemaining.applyAsLong((int) a[0])),
        fn("disk_total_bytes", List.of(), I64, a -> disk(FileStoreFigure.TOTAL)),
        fn("disk_free_bytes", List.of(), I64, a -> disk(FileStoreFigure.USABLE)),
        fn("executions_started", List.of(), I64, a -> daemon.executionsStarted()),
        new HostFunction(
            MODULE,
            "group_slots",
            new FuncType(List.of(I32, I32), List.of(I32)),
            (memory, a) -> new long[] {groupSlots(memory, (int) a[0], (int) a[1])}));
  }

  private enum FileStoreFigure {
    TOTAL,
    USABLE
  }

  /** Of the filesystem holding the daemon's state directory; -1 when unknown or unreadable. */
  private long disk(FileStoreFigure figure) {
    Optional<Path> dir = daemon.disk();
    if (dir.isEmpty()) {
      return -1;
    }
    try {
      FileStore store = Files.getFileStore(dir.get());
      return figure == FileStoreFigure.TOTAL ? store.getTotalSpace() : store.getUsableSpace();
    } catch (IOException | SecurityException e) {
      // a probe learns "unknown", as for a load average the OS does not give
      return -1;
    }
  }

  /**
   * Writes one line {@code <group> <in use> <total>} per group into the guest's buffer, as much as
   * fits in {@code capacity} bytes, and returns the length of the whole text (as snprintf does: a
   * caller whose buffer was too small asks again with a larger one). A buffer outside the guest's
   * memory is a fault.
   */
  private int groupSlots(GuestMemory memory, int buffer, int capacity) {
    StringBuilder text = new StringBuilder();
    for (DaemonFacts.GroupSlots slots : daemon.slots()) {
      text.append(slots.group())
          .append(' ')
          .append(slots.inUse())
          .append(' ')
          .append(slots.total())
          .append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (capacity < 0) {
      throw new HostFault("group_slots: negative capacity " + capacity);
    }
    int written = Math.min(capacity, bytes.length);
    if (written > 0) {
      memory.check(buffer, written);
      memory.write(buffer, Arrays.copyOf(bytes, written));
    }
    return bytes.length;
  }

  private static HostFunction fn(
      String name,
      List<ValueType> params,
      ValueType result,
      java.util.function.ToLongFunction<long[]> body) {
    return new HostFunction(
        MODULE,
        name,
        new FuncType(params, List.of(result)),
        (m, a) -> new long[] {body.applyAsLong(a)});
  }

  private static com.sun.management.OperatingSystemMXBean os() {
    return (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  }

  /** Linux {@code MemAvailable}; elsewhere the JDK's free physical memory. */
  private static long memoryAvailable() {
    for (String line : procLines("/proc/meminfo")) {
      if (line.startsWith("MemAvailable:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    return os().getFreeMemorySize();
  }

  private static double load(int minutes) {
    int field =
        switch (minutes) {
          case 1 -> 0;
          case 5 -> 1;
          case 15 -> 2;
          default -> -1;
        };
    if (field < 0) {
      return -1;
    }
    List<String> lines = procLines("/proc/loadavg");
    if (!lines.isEmpty()) {
      return Double.parseDouble(lines.getFirst().split(" ")[field]);
    }
    return minutes == 1 ? os().getSystemLoadAverage() : -1;
  }

  private static long uptimeMillis() {
    List<String> lines = procLines("/proc/uptime");
    if (!lines.isEmpty()) {
      return (long) (Double.parseDouble(lines.getFirst().split(" ")[0]) * 1000);
    }
    // no boot time without /proc: the JVM's own uptime is the honest lower bound
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }

  private static List<String> procLines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | SecurityException e) {
      // not Linux, or /proc hidden: callers fall back to the JDK's view
      return List.of();
    }
  }
}
