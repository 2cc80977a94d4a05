package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.exec.WasiConformanceTest;
import org.weverywhere.exec.WasiConformanceTest.Case;

/**
 * The official WASI test suite end to end: every {@code wasm32-wasip1} test of
 * WebAssembly/wasi-testsuite sent by {@code weverywhere run} (in-process, as a user types it: the
 * spec's args after {@code --}, each env entry as {@code --env}, its {@code root} as {@code --dir
 * ROOT::/}) to one real daemon on Open Liberty with its default engine, asserting the exit status
 * and stdout of the spec. The tests that fail are exactly those WasiConformanceTest (the executor
 * alone) and docs/ENGINES.md list for that engine: the network, the bulk channel, the tree encoding
 * and the CLI may not lose what the executor passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WasiConformanceEndToEndIT {
  /** What the daemon runs when its configuration does not say: the engine under test here. */
  private static final Engine ENGINE = ConfigKeys.EXECUTOR_ENGINE.defaultOptional().orElseThrow();

  private LibertyDaemon daemon;
  private final Set<String> passed = new TreeSet<>();
  private final Set<String> failed = new TreeSet<>();

  @BeforeAll
  void start() {
    Assumptions.assumeTrue(
        Files.isDirectory(WasiConformanceTest.SUITE),
        () ->
            "skipped: the WASI test suite is not at "
                + WasiConformanceTest.SUITE.toAbsolutePath()
                + " (set -Dweverywhere.wasi-testsuite=DIR)");
    // the sample configuration, plus: anonymous may execute, and 72 modules (4.7 MB) sent within
    // a minute are over anonymous's 256 KiB/s and the host's 10 MiB/s of traffic
    daemon =
        LibertyDaemon.builder()
            .name("wasi-e2e")
            // Liberty took over 3 minutes to start on this two-core machine under a load of 28
            .readyTimeout(java.time.Duration.ofMinutes(8))
            .line(
                "group.anonymous.privileges = execute",
                "host.quota.network.rate = 1GiB/s",
                "group.anonymous.quota.network.rate = 1GiB/s")
            .start();
  }

  @AfterAll
  void stop() {
    System.out.println(
        "wasi-testsuite end to end (CLI, Liberty daemon, "
            + ENGINE.configName()
            + "): "
            + passed.size()
            + " of "
            + (passed.size() + failed.size())
            + " run pass"
            + (failed.isEmpty() ? "" : "; failing: " + failed));
    if (daemon != null) {
      daemon.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyTestThroughTheCliAndTheDaemon() throws IOException {
    List<Case> cases = WasiConformanceTest.cases();
    assertEquals(72, cases.size(), "wasm32-wasip1 tests in the suite");
    Set<String> known = WasiConformanceTest.KNOWN_FAILURES.get(ENGINE);
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      String problem = problem(c, run(c));
                      (problem != null ? failed : passed).add(c.name());
                      if (known.contains(c.name())) {
                        assertTrue(
                            problem != null,
                            c.name()
                                + " passes end to end on "
                                + ENGINE
                                + ": take it off the known failures (WasiConformanceTest,"
                                + " docs/ENGINES.md)");
                      } else {
                        assertFalse(problem != null, () -> c.name() + ": " + problem);
                      }
                    }));
  }

  /** The command line a user would type for this test. */
  private List<String> commandLine(Case c) {
    JsonNode spec = c.spec();
    List<String> line =
        new ArrayList<>(
            List.of(
                "run",
                "--peer",
                "127.0.0.1:" + daemon.udpPort(),
                "--timeout",
                "10",
                c.wasm().toString()));
    spec.path("env")
        .properties()
        .forEach(e -> line.addAll(List.of("--env", e.getKey() + "=" + e.getValue().asText())));
    if (spec.hasNonNull("root")) {
      Path root = c.wasm().getParent().resolve(spec.get("root").asText());
      line.addAll(List.of("--dir", root + "::/"));
    }
    line.add("--");
    spec.path("args").forEach(a -> line.add(a.asText()));
    return line;
  }

  private CliRun run(Case c) {
    return CliRun.of(commandLine(c).toArray(String[]::new));
  }

  /** Null when the run matches the spec, else what differs. */
  private static String problem(Case c, CliRun run) {
    JsonNode spec = c.spec();
    // a guest may exit non-zero; the CLI's own failures carry an error code
    if (run.err().contains("[WE")) {
      return "the CLI reported: " + run.err().strip();
    }
    int expected = spec.path("exit_code").asInt(0);
    if (run.status() != expected) {
      return "exit " + run.status() + ", expected " + expected + "; " + run;
    }
    if (spec.has("stdout") && !spec.get("stdout").asText().equals(run.out())) {
      return "stdout '" + run.out() + "', expected '" + spec.get("stdout").asText() + "'";
    }
    return null;
  }

  /** The comparison can fail: a wrong expectation and a missing tree are reported. */
  @Test
  void aWrongExpectationAndAMissingRootAreReported() throws IOException {
    Case exit33 =
        WasiConformanceTest.cases().stream()
            .filter(c -> c.name().equals("assemblyscript/proc_exit-failure"))
            .findFirst()
            .orElseThrow();
    var wrong =
        new Case(
            exit33.name(),
            exit33.wasm(),
            new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("exit_code", 0));
    String problem = problem(wrong, run(exit33));
    assertTrue(problem != null && problem.contains("expected 0"), String.valueOf(problem));
    assertEquals(null, problem(exit33, run(exit33)));

    Case needsRoot =
        WasiConformanceTest.cases().stream()
            .filter(c -> c.name().equals("c/pwrite-with-access"))
            .findFirst()
            .orElseThrow();
    List<String> withoutRoot = new ArrayList<>(commandLine(needsRoot));
    int at = withoutRoot.indexOf("--dir");
    withoutRoot.subList(at, at + 2).clear();
    CliRun bare = CliRun.of(withoutRoot.toArray(String[]::new));
    assertTrue(
        problem(needsRoot, bare) != null,
        needsRoot.name() + " passed without its directory: " + bare);
  }
}
