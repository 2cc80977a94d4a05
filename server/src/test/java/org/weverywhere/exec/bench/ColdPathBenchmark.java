package org.weverywhere.exec.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.GroupLimits;
import org.weverywhere.exec.HostLimits;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.exec.ReservingQuotaLedger;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.exec.chicory.ChicoryEngine;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeEntry;

/**
 * The cold path: the first run of a module never seen before (compile included) and the run after
 * it, for Chicory compiling to bytecode, Chicory interpreting, and Wasmtime; plus a file-heavy
 * program (10 MiB written and read back in its in-memory sandbox). A program, not a test: {@code
 * java -cp ... org.weverywhere.exec.bench.ColdPathBenchmark [10mb | MODULE]}; figures in
 * docs/PERFORMANCE.md.
 */
public final class ColdPathBenchmark {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "target/example-programs"));
  private static final AdmittedGroup BENCH = new AdmittedGroup("bench", false);

  private ColdPathBenchmark() {}

  record Mode(String name, Engine engine, long compileMaxBytes) {}

  /** The engine's own size limit for compiling (ChicoryEngine.COMPILE_MAX_BYTES). */
  private static final long DEFAULT_POLICY = -1;

  public static void main(String[] args) throws Exception {
    List<Mode> modes =
        List.of(
            new Mode("chicory-compiled", Engine.CHICORY, Long.MAX_VALUE),
            new Mode("chicory-interpreted", Engine.CHICORY, 0),
            new Mode("wasmtime", Engine.WASMTIME, 0));
    byte[] fib = Files.readAllBytes(EXAMPLES.resolve("fib.wasi"));
    byte[] hello = Files.readAllBytes(EXAMPLES.resolve("hello.wasi"));
    byte[] files = Files.readAllBytes(EXAMPLES.resolve("files.wasi"));
    var data = List.of(new Preopen("data", DirTree.EMPTY));
    // "10mb": only the 10 MB module's rows below
    boolean smallModules = !(args.length > 0 && args[0].equals("10mb"));
    for (Mode mode : smallModules ? modes : List.<Mode>of()) {
      row(mode, "hello", new CommandRun(hello, List.of("hello"), Map.of(), new byte[0], BENCH));
      row(mode, "fib(30)", new CommandRun(fib, List.of("fib", "30"), Map.of(), new byte[0], BENCH));
      row(
          mode,
          "files churn 10 MiB",
          new CommandRun(
              files, List.of("files", "churn", "data", "10"), Map.of(), new byte[0], BENCH, data));
    }
    // a 10 MB module: Go's own cmd/vet (11.9 MB, built by compile-example-programs.py) checking
    // one file of its directory, first run and second; the default Chicory engine interprets it
    // (over COMPILE_MAX_BYTES), forcing the compile shows what that avoids
    Path govet = EXAMPLES.resolve("govet.wasi");
    if (Files.isRegularFile(govet)) {
      byte[] vet = Files.readAllBytes(govet);
      var src =
          List.of(
              new Preopen(
                  "/src",
                  new DirTree(
                      List.of(
                          new TreeEntry.File(
                              "a.go",
                              "package a\n\nfunc f(x int) int {\n\tx = x\n\treturn x\n}\n"
                                  .getBytes(StandardCharsets.UTF_8),
                              0),
                          new TreeEntry.File(
                              "vet.cfg", VET_CONFIG.getBytes(StandardCharsets.UTF_8), 0)))));
      var check =
          new CommandRun(vet, List.of("vet", "/src/vet.cfg"), Map.of(), new byte[0], BENCH, src);
      for (Mode mode :
          List.of(
              new Mode("chicory-default", Engine.CHICORY, DEFAULT_POLICY),
              new Mode("chicory-interpreted", Engine.CHICORY, 0),
              new Mode("wasmtime", Engine.WASMTIME, 0),
              new Mode("chicory-compiled", Engine.CHICORY, Long.MAX_VALUE))) {
        if (mode.compileMaxBytes() == Long.MAX_VALUE
            && !Boolean.getBoolean("bench.cold.force-compile")) {
          System.out.println(
              "chicory-compiled      govet: skipped (-Dbench.cold.force-compile=true)");
          continue;
        }
        row(mode, "govet 11.9 MB", check);
      }
    } else {
      System.out.println("govet.wasi not built (Go 1.21+ missing): no 10 MB module row");
    }
    if (args.length > 0
        && smallModules) { // a large module, e.g. YoWASP's yosys.core.wasm, first run only
      byte[] big = Files.readAllBytes(Path.of(args[0]));
      for (Mode mode : modes) {
        Executor executor = executor(mode);
        long t0 = System.nanoTime();
        ExecutionOutcome o =
            executor.execute(
                new CommandRun(big, List.of("big", "-V"), Map.of(), new byte[0], BENCH));
        System.out.printf(
            "%-20s %-22s cold %8.0f ms (%s)%n",
            mode.name(),
            Path.of(args[0]).getFileName(),
            (System.nanoTime() - t0) / 1e6,
            o.getClass().getSimpleName());
        executor.close();
      }
    }
  }

  /** What {@code go vet} hands the vet tool for one package without imports. */
  static final String VET_CONFIG =
      """
      {"ID":"a","Compiler":"gc","Dir":"/src","ImportPath":"a","GoVersion":"go1.23",\
      "GoFiles":["/src/a.go"],"ImportMap":{},"PackageFile":{},"Standard":{},"PackageVetx":{},\
      "VetxOnly":false,"VetxOutput":"/src/vet.out","SucceedOnTypecheckFailure":false}
      """;

  private static void row(Mode mode, String what, CommandRun run) {
    Executor executor = executor(mode); // a fresh engine: nothing compiled yet
    long t0 = System.nanoTime();
    ExecutionOutcome cold = executor.execute(run);
    long t1 = System.nanoTime();
    ExecutionOutcome warm = executor.execute(run);
    long t2 = System.nanoTime();
    System.out.printf(
        "%-20s %-22s cold %8.1f ms, warm %8.1f ms (guest CPU warm %.1f ms) %s%n",
        mode.name(),
        what,
        (t1 - t0) / 1e6,
        (t2 - t1) / 1e6,
        warm.usage().cpuTime().toNanos() / 1e6,
        cold instanceof ExecutionOutcome.Completed && warm instanceof ExecutionOutcome.Completed
            ? ""
            : cold + " / " + warm);
    executor.close();
  }

  private static Executor executor(Mode mode) {
    var quotas =
        new QuotaSettings(
            new HostLimits(2, 2L << 30),
            Map.of(
                "bench",
                new GroupLimits(2, 2L << 30, 1L << 30, Duration.ofSeconds(600), 64L << 20)));
    var settings = new ExecutorParameters(mode.engine(), 8, 1 << 20, Duration.ofSeconds(900), 8);
    WasmEngine engine =
        mode.engine() == Engine.CHICORY
            ? mode.compileMaxBytes() == DEFAULT_POLICY
                ? new ChicoryEngine(8)
                : new ChicoryEngine(8, mode.compileMaxBytes())
            : new ExecutorBeans().engine(settings);
    return new Executor(settings, new ReservingQuotaLedger(quotas, 8), engine);
  }
}
