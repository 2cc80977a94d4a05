package org.weverywhere.exec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.ExecutionRequest;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.exec.ExecutionRequest.FunctionCall;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.GroupLimits;
import org.weverywhere.exec.HostLimits;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.exec.ReservingQuotaLedger;
import org.weverywhere.exec.WasmValue;

/**
 * Measures the executor per engine, side by side with native code and Node's WASI: a program, not a
 * test. {@code ./mvnw -B -o -Pbench -pl server -am integration-test -DskipTests}; figures go to
 * docs/PERFORMANCE.md. With the argument {@code programs} it measures only the side-by-side table:
 * {@code fib(38)} and {@code files churn 10} (10 MiB written and read back in the program's
 * directory) on each engine, natively (gcc -O2) and under node:wasi.
 */
public final class ExecutorBenchmark {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "target/example-programs"));
  private static final Path ROOT = EXAMPLES.getParent().getParent();
  private static final AdmittedGroup BENCH = new AdmittedGroup("bench", false);
  private static final AdmittedGroup LOOPS = new AdmittedGroup("loops", false);
  private static final Duration LOOP_BUDGET = Duration.ofMillis(100);
  private static final int FIB_N = 38;
  private static final int FIB_RUNS = 5;
  private static final int CHURN_MIB = 10;

  /**
   * Runs per process lane: a process's start (node's ≈100 ms of CPU) varies by more than the 10 MiB
   * of churn costs, so its median needs more runs than the in-process lanes.
   */
  private static final int PROCESS_RUNS = 15;

  private ExecutorBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "machine: %s, %d cores, %s %s%n",
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    if (args.length > 0 && args[0].equals("programs")) {
      programs();
      return;
    }
    double nativeMs = nativeFibMillis();
    double nodeMs = nodeFibMillis();
    System.out.printf(
        "fib(%d) native gcc -O2: median %.1f ms; node:wasi: median %.1f ms (CPU time, process start subtracted)%n",
        FIB_N, nativeMs, nodeMs);
    for (Engine engine : Engine.values()) {
      bench(engine, nativeMs, nodeMs);
    }
    programs();
  }

  /** CPU and wall medians of one lane, process start subtracted for processes. */
  record Measured(double cpuMs, double wallMs) {
    Measured minus(Measured start) {
      return new Measured(cpuMs - start.cpuMs, wallMs - start.wallMs);
    }
  }

  /**
   * fib(38) and a file-heavy run side by side, in one run: each engine (guest CPU time and the
   * whole {@code Executor.execute} wall time, the in-memory directory tree going in and coming back
   * included) against the same C source built natively and the same module under node:wasi, on a
   * real directory of this machine (page cache, no fsync), as processes whose start (the same
   * program doing nothing: {@code fib 0}, {@code files churn DIR 0}) is subtracted.
   */
  private static void programs() throws Exception {
    Path scratch = ScratchDirectories.create("bench-churn");
    Path fibNative = Files.createTempFile("fib-native", "");
    Path filesNative = Files.createTempFile("files-native", "");
    String runner =
        ROOT.resolve("shared/src/test/resources/org/weverywhere/examples/wasi-run.mjs").toString();
    String fibWasi = EXAMPLES.resolve("fib.wasi").toString();
    String filesWasi = EXAMPLES.resolve("files.wasi").toString();
    try {
      gcc("fib", fibNative);
      gcc("files", filesNative);
      String dir = scratch.toString();
      var lanes = new java.util.LinkedHashMap<String, Measured[]>();
      lanes.put(
          "native gcc -O2",
          new Measured[] {
            processes(List.of(fibNative.toString(), "" + FIB_N))
                .minus(processes(List.of(fibNative.toString(), "0"))),
            processes(List.of(filesNative.toString(), "churn", dir, "" + CHURN_MIB))
                .minus(processes(List.of(filesNative.toString(), "churn", dir, "0")))
          });
      String preopen = dir + "::data";
      lanes.put(
          "node:wasi (node " + nodeVersion() + ")",
          new Measured[] {
            processes(List.of("node", runner, "command", fibWasi, "--", "" + FIB_N))
                .minus(processes(List.of("node", runner, "command", fibWasi, "--", "0"))),
            processes(
                    List.of(
                        "node",
                        runner,
                        "command",
                        filesWasi,
                        "--dir",
                        preopen,
                        "--",
                        "churn",
                        "data",
                        "" + CHURN_MIB))
                .minus(
                    processes(
                        List.of(
                            "node", runner, "command", filesWasi, "--dir", preopen, "--", "churn",
                            "data", "0")))
          });
      for (Engine engine : Engine.values()) {
        lanes.put(engine.toString().toLowerCase(java.util.Locale.ROOT), engineLane(engine));
      }
      Measured[] nativeLane = lanes.get("native gcc -O2");
      Measured[] nodeLane = lanes.values().stream().skip(1).findFirst().orElseThrow();
      System.out.printf(
          "%n| | fib(%d) CPU | wall | vs native | vs node | files churn %d MiB CPU | wall | vs native | vs node |%n",
          FIB_N, CHURN_MIB);
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      lanes.forEach(
          (name, m) ->
              System.out.printf(
                  "| %s | %.0f ms | %.0f ms | %.2f× | %.2f× | %.1f ms | %.1f ms | %.2f× | %.2f× |%n",
                  name,
                  m[0].cpuMs(),
                  m[0].wallMs(),
                  m[0].cpuMs() / nativeLane[0].cpuMs(),
                  m[0].cpuMs() / nodeLane[0].cpuMs(),
                  m[1].cpuMs(),
                  m[1].wallMs(),
                  m[1].cpuMs() / nativeLane[1].cpuMs(),
                  m[1].cpuMs() / nodeLane[1].cpuMs()));
      System.out.printf(
          "(medians of %d runs per engine, %d per process; ratios by CPU time; engines: guest CPU"
              + " and Executor.execute wall; processes: CPU and wall minus the same program doing"
              + " nothing)%n",
          FIB_RUNS, PROCESS_RUNS);
    } finally {
      Files.deleteIfExists(fibNative);
      Files.deleteIfExists(filesNative);
      try (var left = Files.list(scratch)) {
        for (Path p : left.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(scratch);
    }
  }

  private static Measured[] engineLane(Engine engine) throws Exception {
    var settings = new ExecutorParameters(engine, 64, 1 << 20, Duration.ofSeconds(60), 16);
    var quotas =
        new QuotaSettings(
            new HostLimits(2, 1L << 30),
            Map.of(
                "bench",
                new GroupLimits(2, 512L << 20, 64L << 20, Duration.ofSeconds(30), 64L << 20)));
    Executor executor =
        new Executor(
            settings, new ReservingQuotaLedger(quotas, 16), new ExecutorBeans().engine(settings));
    try {
      var fib =
          new CommandRun(
              bytes("fib.wasi"), List.of("fib", "" + FIB_N), Map.of(), new byte[0], BENCH);
      var churn =
          new CommandRun(
              bytes("files.wasi"),
              List.of("files", "churn", "data", "" + CHURN_MIB),
              Map.of(),
              new byte[0],
              BENCH,
              List.of(
                  new org.weverywhere.files.Preopen("data", org.weverywhere.files.DirTree.EMPTY)));
      return new Measured[] {guest(executor, fib), guest(executor, churn)};
    } finally {
      executor.close();
    }
  }

  /** Medians of guest CPU and of execute's wall time, after one warm-up run (compiles). */
  private static Measured guest(Executor executor, CommandRun request) {
    run(executor, request);
    long[] cpu = new long[FIB_RUNS];
    long[] wall = new long[FIB_RUNS];
    for (int i = 0; i < FIB_RUNS; i++) {
      long start = System.nanoTime();
      cpu[i] = run(executor, request).usage().cpuTime().toNanos();
      wall[i] = System.nanoTime() - start;
    }
    return new Measured(pct(cpu, 50) / 1e6, pct(wall, 50) / 1e6);
  }

  private static void gcc(String program, Path binary) throws Exception {
    process(
        List.of(
            "gcc",
            "-O2",
            "-o",
            binary.toString(),
            ROOT.resolve("example-programs/" + program + "/" + program + ".c").toString()));
  }

  private static String nodeVersion() throws Exception {
    Process p = new ProcessBuilder("node", "--version").start();
    String version = new String(p.getInputStream().readAllBytes()).strip();
    p.waitFor();
    return version;
  }

  /** Medians of CPU (user + system, bash's {@code times}) and wall time of a process. */
  private static Measured processes(List<String> command) throws Exception {
    List<String> timed =
        new ArrayList<>(List.of("bash", "-c", "\"$@\" >/dev/null 2>&1; times", "_"));
    timed.addAll(command);
    process(timed);
    long[] cpu = new long[PROCESS_RUNS];
    long[] wall = new long[PROCESS_RUNS];
    for (int i = 0; i < PROCESS_RUNS; i++) {
      long start = System.nanoTime();
      Process p = new ProcessBuilder(timed).start();
      String[] lines = new String(p.getInputStream().readAllBytes()).strip().split("\n");
      if (p.waitFor() != 0) {
        throw new IllegalStateException(command + " exited " + p.exitValue());
      }
      wall[i] = System.nanoTime() - start;
      cpu[i] = childCpuNanos(lines[lines.length - 1]);
    }
    return new Measured(pct(cpu, 50) / 1e6, pct(wall, 50) / 1e6);
  }

  private static long childCpuNanos(String timesLine) { // "0m0.160s 0m0.002s"
    long total = 0;
    for (String time : timesLine.trim().split("\\s+")) {
      int m = time.indexOf('m');
      total +=
          (long)
              ((Long.parseLong(time.substring(0, m)) * 60
                      + Double.parseDouble(time.substring(m + 1, time.length() - 1)))
                  * 1e9);
    }
    return total;
  }

  private static void bench(Engine engine, double nativeMs, double nodeMs) throws Exception {
    var settings = new ExecutorParameters(engine, 64, 1 << 20, Duration.ofSeconds(60), 16);
    var quotas =
        new QuotaSettings(
            new HostLimits(2, 1L << 30),
            Map.of(
                "bench", new GroupLimits(2, 512L << 20, 64L << 20, Duration.ofSeconds(30)),
                "loops", new GroupLimits(2, 512L << 20, 64L << 20, LOOP_BUDGET)));
    Executor executor =
        new Executor(
            settings, new ReservingQuotaLedger(quotas, 16), new ExecutorBeans().engine(settings));
    try {
      System.out.printf("%n== %s ==%n", engine);
      var add =
          new FunctionCall(
              bytes("math.wasi"),
              "add",
              List.of(new WasmValue.I32(40), new WasmValue.I32(2)),
              BENCH);
      long[] addNanos = times(executor, add, 2000, 5000);
      System.out.printf(
          "math.add, whole request incl. checks + fresh instance: p50 %.1f us, p90 %.1f us%n",
          pct(addNanos, 50) / 1e3, pct(addNanos, 90) / 1e3);

      var hello =
          new CommandRun(bytes("hello.wasi"), List.of("hello"), Map.of(), new byte[0], BENCH);
      long[] helloNanos = times(executor, hello, 200, 500);
      System.out.printf(
          "fresh WASI hello run: p50 %.1f us, p90 %.1f us%n",
          pct(helloNanos, 50) / 1e3, pct(helloNanos, 90) / 1e3);

      var fib =
          new CommandRun(
              bytes("fib.wasi"), List.of("fib", "" + FIB_N), Map.of(), new byte[0], BENCH);
      long[] fibCpu = new long[FIB_RUNS];
      run(executor, fib);
      for (int i = 0; i < FIB_RUNS; i++) {
        fibCpu[i] = run(executor, fib).usage().cpuTime().toNanos();
      }
      double fibMs = pct(fibCpu, 50) / 1e6;
      System.out.printf(
          "fib(%d) guest CPU time: median %.1f ms = %.2fx native, %.2fx node%n",
          FIB_N, fibMs, fibMs / nativeMs, fibMs / nodeMs);

      var loop =
          new CommandRun(
              bytes("fixtures/loop.wasm"), List.of("loop"), Map.of(), new byte[0], LOOPS);
      long[] late = new long[10];
      for (int i = 0; i < late.length; i++) {
        ExecutionOutcome outcome = executor.execute(loop);
        if (!(outcome instanceof ExecutionOutcome.OutOfCpu)) {
          throw new IllegalStateException("loop was not stopped: " + outcome);
        }
        late[i] = outcome.usage().cpuTime().minus(LOOP_BUDGET).toNanos();
      }
      System.out.printf(
          "runaway loop, %d ms budget: stopped %.2f ms late (median), %.2f ms (max)%n",
          LOOP_BUDGET.toMillis(), pct(late, 50) / 1e6, pct(late, 100) / 1e6);

      var fib30 =
          new CommandRun(bytes("fib.wasi"), List.of("fib", "30"), Map.of(), new byte[0], BENCH);
      double one = throughput(executor, fib30, 1, 40);
      double two = throughput(executor, fib30, 2, 40);
      System.out.printf(
          "throughput fib(30) runs: 1 thread %.1f/s, 2 slots %.1f/s (%.2fx)%n",
          one, two, two / one);
    } finally {
      executor.close();
    }
  }

  private static ExecutionOutcome run(Executor executor, ExecutionRequest request) {
    ExecutionOutcome outcome = executor.execute(request);
    if (!(outcome instanceof ExecutionOutcome.Completed)) {
      throw new IllegalStateException("benchmark request failed: " + outcome);
    }
    return outcome;
  }

  private static long[] times(Executor executor, ExecutionRequest request, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      run(executor, request);
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      run(executor, request);
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private static double throughput(
      Executor executor, ExecutionRequest request, int threads, int runs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // every Wasmtime lane compiles its own copy: warm as many lanes as threads
      List<Future<ExecutionOutcome>> warm = new ArrayList<>();
      for (int i = 0; i < 2 * threads; i++) {
        warm.add(pool.submit(() -> run(executor, request)));
      }
      for (Future<ExecutionOutcome> f : warm) {
        f.get();
      }
      long start = System.nanoTime();
      List<Future<ExecutionOutcome>> futures = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        futures.add(pool.submit(() -> run(executor, request)));
      }
      for (Future<ExecutionOutcome> f : futures) {
        f.get();
      }
      return runs / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static double pct(long[] values, int percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }

  private static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(EXAMPLES.resolve(name));
  }

  private static double nativeFibMillis() throws Exception {
    Path binary = Files.createTempFile("fib-native", "");
    process(
        List.of(
            "gcc",
            "-O2",
            "-o",
            binary.toString(),
            ROOT.resolve("example-programs/fib/fib.c").toString()));
    try {
      return processMillis(List.of(binary.toString(), "" + FIB_N))
          - processMillis(List.of(binary.toString(), "0"));
    } finally {
      Files.delete(binary);
    }
  }

  private static double nodeFibMillis() throws Exception {
    String runner =
        ROOT.resolve("shared/src/test/resources/org/weverywhere/examples/wasi-run.mjs").toString();
    String module = EXAMPLES.resolve("fib.wasi").toString();
    return processMillis(List.of("node", runner, "command", module, "--", "" + FIB_N))
        - processMillis(List.of("node", runner, "command", module, "--", "0"));
  }

  /**
   * Median CPU time (user + system) of the process over {@link #FIB_RUNS} runs, as bash's {@code
   * times} reports for its children: CPU, not wall, so a busy machine does not flatter us.
   */
  private static double processMillis(List<String> command) throws Exception {
    List<String> timed = new ArrayList<>(List.of("bash", "-c", "\"$@\" >/dev/null; times", "_"));
    timed.addAll(command);
    long[] nanos = new long[FIB_RUNS];
    process(timed);
    for (int i = 0; i < nanos.length; i++) {
      Process p = new ProcessBuilder(timed).start();
      String[] lines = new String(p.getInputStream().readAllBytes()).strip().split("\n");
      if (p.waitFor() != 0) {
        throw new IllegalStateException(command + " exited " + p.exitValue());
      }
      long total = 0;
      for (String time : lines[lines.length - 1].trim().split("\\s+")) { // "0m0.160s 0m0.002s"
        int m = time.indexOf('m');
        total +=
            (long)
                ((Long.parseLong(time.substring(0, m)) * 60
                        + Double.parseDouble(time.substring(m + 1, time.length() - 1)))
                    * 1e9);
      }
      nanos[i] = total;
    }
    return pct(nanos, 50) / 1e6;
  }

  private static void process(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " exited " + p.exitValue());
    }
  }

  private static String cpuModel() throws IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 2))
        .findFirst()
        .orElse("unknown CPU");
  }
}
