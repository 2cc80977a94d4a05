package org.weverywhere.exec.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.GroupLimits;
import org.weverywhere.exec.HostLimits;
import org.weverywhere.exec.KeptInstance;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.exec.ReservingQuotaLedger;
import org.weverywhere.exec.WasmEngine;

/**
 * Measures what a table element costs each engine (issue 13 item 2): a kept instance grows a
 * funcref table to 4 Mi elements, in one step or 4096 at a time, and the JVM heap (Chicory) and the
 * process's RSS (Wasmtime) are read while it holds the table (retained) and at their peaks. A
 * program, not a test: {@code -Pbench}, or run its main with the test class path. Figures go to
 * docs/ENGINES.md.
 */
public final class TableCostBenchmark {
  private static final int ELEMENTS = 4 * 1024 * 1024;

  private TableCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    byte[] oneStep = module("(drop (table.grow $t (ref.null func) (i32.const " + ELEMENTS + ")))");
    byte[] steps =
        module(
            "(loop $more (br_if $more (i32.lt_u (table.grow $t (ref.null func) (i32.const 4096))"
                + " (i32.const "
                + (ELEMENTS - 4096)
                + "))))");
    System.out.printf(
        "%-9s %-14s %14s %14s %14s %14s%n",
        "engine", "growth", "heap kept B/el", "heap peak B/el", "RSS kept B/el", "RSS peak B/el");
    for (Engine engine : Engine.values()) {
      for (var entry : List.of(Map.entry("one step", oneStep), Map.entry("4096 a time", steps))) {
        measure(engine, entry.getKey(), entry.getValue());
      }
    }
  }

  private static void measure(Engine kind, String growth, byte[] module) throws Exception {
    var settings = new ExecutorParameters(kind, 4, 1024, Duration.ofSeconds(60), 0);
    var quotas =
        new QuotaSettings(
            new HostLimits(2, 4L << 30),
            Map.of("bench", new GroupLimits(1, 4L << 30, 1L << 30, Duration.ofSeconds(30))));
    WasmEngine engine = new ExecutorBeans().engine(settings);
    Executor executor = new Executor(settings, new ReservingQuotaLedger(quotas, 0), engine);
    try {
      var start =
          executor.keep(
              module, new AdmittedGroup("bench", false), 1L << 30, Duration.ofSeconds(30));
      KeptInstance instance = ((KeptInstance.Ready) start).instance();
      settle();
      long heapBefore = heapUsed();
      long rssBefore = status("VmRSS");
      resetPeaks();
      var outcome = instance.call("grow", List.of());
      long heapPeak = heapPeak();
      long rssPeak = status("VmHWM");
      settle();
      long heapKept = heapUsed();
      long rssKept = status("VmRSS");
      System.out.printf(
          "%-9s %-14s %14.1f %14.1f %14.1f %14.1f   %s%n",
          kind,
          growth,
          per(heapKept - heapBefore),
          per(heapPeak - heapBefore),
          per(rssKept - rssBefore),
          per(rssPeak - rssBefore),
          outcome.getClass().getSimpleName());
      instance.close();
    } finally {
      executor.close();
      engine.close();
    }
  }

  private static byte[] module(String grow) throws IOException, InterruptedException {
    String wat =
        "(module (table $t 0 "
            + ELEMENTS
            + " funcref) (func (export \"grow\") (result i32) "
            + grow
            + " (table.size $t)))";
    Path dir = ScratchDirectories.create("tablecost");
    Path source = dir.resolve("t.wat");
    Path out = dir.resolve("t.wasm");
    Files.writeString(source, wat);
    Process p =
        new ProcessBuilder("wat2wasm", source.toString(), "-o", out.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wat2wasm failed");
    }
    byte[] bytes = Files.readAllBytes(out);
    Files.delete(out);
    Files.delete(source);
    Files.delete(dir);
    return bytes;
  }

  private static double per(long bytes) {
    return (double) bytes / ELEMENTS;
  }

  private static void settle() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100); // let the collector finish: a measurement, not a test
    }
  }

  private static void resetPeaks() throws IOException {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getUsage().getUsed())
        .sum();
  }

  private static long heapPeak() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed())
        .sum();
  }

  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
