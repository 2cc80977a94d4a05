package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeEntry;

/**
 * Programs nobody here wrote, built by other toolchains, through the real executor on both engines:
 * Yosys (C++, wasi-sdk; the YoWASP build on npm, a 30 MB wasm32-wasip1 command) reads a Verilog
 * file from a preopened directory, synthesises it and writes a JSON netlist back into it.
 */
class RealProgramsTest {
  static final NpmPackages.Pinned YOSYS =
      new NpmPackages.Pinned(
          "@yowasp/yosys",
          "0.55.944",
          "4a13ffd784017a076f84a3d4a4149e5c63c37ec66313ed9343a5346e1f5010e8",
          "package/gen/yosys.core.wasm");

  static final String COUNTER =
      """
      module counter(input clk, input rst, output reg [3:0] q);
        always @(posedge clk) if (rst) q <= 0; else q <= q + 1;
      endmodule
      """;

  static final AdmittedGroup PROGRAMS = new AdmittedGroup("programs", false);

  static Executor executor(Engine engine) {
    var quotas =
        new QuotaSettings(
            new HostLimits(2, 2L << 30),
            Map.of(
                "programs",
                new GroupLimits(1, 1L << 30, 1L << 30, Duration.ofSeconds(120), 64L << 20)));
    var settings = new ExecutorParameters(engine, 4, 1 << 20, Duration.ofSeconds(300), 4);
    return new Executor(
        settings, new ReservingQuotaLedger(quotas, 4), new ExecutorBeans().engine(settings));
  }

  /**
   * On Chicory (the default engine; a module this large runs in its interpreter). On Wasmtime only
   * with {@code -Dweverywhere.real-programs.wasmtime=true}: Cranelift compiles the 30 MB module for
   * minutes on a busy two-core machine (docs/PERFORMANCE.md).
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void yosysSynthesisesAVerilogFileFromItsDirectoryAndWritesTheNetlistBack(Engine engine)
      throws IOException {
    Assumptions.assumeTrue(
        engine == Engine.CHICORY || Boolean.getBoolean("weverywhere.real-programs.wasmtime"),
        "skipped on Wasmtime: set -Dweverywhere.real-programs.wasmtime=true (a cold compile of minutes)");
    Path wasm = NpmPackages.file(YOSYS).orElse(null);
    Assumptions.assumeTrue(
        wasm != null, "skipped: " + YOSYS.name() + " could not be fetched from npm");
    var work =
        new Preopen(
            "work",
            new DirTree(
                List.of(
                    new TreeEntry.File("counter.v", COUNTER.getBytes(StandardCharsets.UTF_8), 0))));
    Executor executor = executor(engine);
    try {
      long start = System.nanoTime();
      ExecutionOutcome outcome =
          executor.execute(
              new CommandRun(
                  Files.readAllBytes(wasm),
                  List.of(
                      "yosys",
                      "-p",
                      "read_verilog work/counter.v; proc; opt; stat; write_json work/counter.json"),
                  Map.of(),
                  new byte[0],
                  PROGRAMS,
                  List.of(work)));
      System.out.printf(
          "yosys on %s: %s in %d ms (cold: compile included)%n",
          engine, outcome.getClass().getSimpleName(), (System.nanoTime() - start) / 1_000_000);
      var done =
          assertInstanceOf(ExecutionOutcome.Completed.class, outcome, () -> "got " + outcome);
      assertEquals(new ExecutionOutcome.Exit(0), done.result(), done.output().stderrText());
      assertTrue(
          done.output().stdoutText().contains("Number of cells"), done.output().stdoutText());
      var files =
          done.trees().getFirst().tree().entries().stream()
              .filter(e -> e instanceof TreeEntry.File)
              .map(e -> (TreeEntry.File) e)
              .toList();
      assertEquals(
          List.of("counter.json", "counter.v"), files.stream().map(TreeEntry::path).toList());
      String netlist = new String(files.getFirst().content(), StandardCharsets.UTF_8);
      assertTrue(netlist.contains("\"counter\"") && netlist.contains("\"q\""), netlist);
    } finally {
      executor.close();
    }
  }
}
