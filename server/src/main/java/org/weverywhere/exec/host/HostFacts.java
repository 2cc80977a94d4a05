package org.weverywhere.exec.host;

import static org.weverywhere.wasm.ValueType.F64;
import static org.weverywhere.wasm.ValueType.I32;
import static org.weverywhere.wasm.ValueType.I64;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * @param quotaRemaining answers {@code quota_remaining(which)} for the caller's group: -1
   *     unlimited, -2 unknown {@code which}
   */
  public HostFacts(IntToLongFunction quotaRemaining) {
    this.quotaRemaining = quotaRemaining;
  }

  public List<HostFunction> functions() {
    return List.of(
        fn("memory_total_bytes", List.of(), I64, a -> os().getTotalMemorySize()),
        fn("memory_free_bytes", List.of(), I64, a -> memoryAvailable()),
        fn("cpu_logical_cores", List.of(), I32, a -> Runtime.getRuntime().availableProcessors()),
        fn("load_average", List.of(I32), F64, a -> Double.doubleToRawLongBits(load((int) a[0]))),
        fn("uptime_millis", List.of(), I64, a -> uptimeMillis()),
        fn("quota_remaining", List.of(I32), I64, a -> quotaRemaining.applyAsLong((int) a[0])));
  }

  private static HostFunction fn(
      String name, List<ValueType> params, ValueType result, java.util.function.ToLongFunction<long[]> body) {
    return new HostFunction(
        MODULE, name, new FuncType(params, List.of(result)), (m, a) -> new long[] {body.applyAsLong(a)});
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
