package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.ExecutionRequest.CommandRun;
import org.weverywhere.files.LocalTrees;
import org.weverywhere.files.Preopen;

/**
 * The official WASI conformance suite (WebAssembly/wasi-testsuite, every {@code wasm32-wasip1}
 * test) through the real executor on both engines, following each test's JSON specification the way
 * upstream adapters do: args after the program name, exactly the env given, {@code root} preopened
 * as {@code /} (a fresh copy per test: it lives in memory), the exit code and stdout.
 *
 * <p>Tests this host still fails are listed below and in docs/ENGINES.md; a test asserts that each
 * of them still fails, so a fix shows as loudly as a regression.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class WasiConformanceTest {
  public static final Path SUITE =
      Path.of(System.getProperty("weverywhere.wasi-testsuite", "../../shared/wasi-testsuite"));
  static final List<String> SUITES = List.of("assemblyscript", "c", "rust");

  /**
   * Failing tests per engine, with the reason in docs/ENGINES.md; the end-to-end run through a
   * daemon and the CLI (WasiConformanceEndToEndIT) asserts the same list.
   */
  public static final Map<Engine, Set<String>> KNOWN_FAILURES =
      Map.of(
          Engine.CHICORY, Set.of(),
          Engine.WASMTIME, Set.of());

  static final AdmittedGroup RUNNER = new AdmittedGroup("anonymous", false);

  private final Map<Engine, Executor> executors = new LinkedHashMap<>();
  private final Map<Engine, Set<String>> failed = new LinkedHashMap<>();

  /** One test: suite/name, its module and its JSON specification. */
  public record Case(String name, Path wasm, JsonNode spec) {}

  public static List<Case> cases() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Case> cases = new ArrayList<>();
    for (String suite : SUITES) {
      Path dir = SUITE.resolve(suite).resolve("testsuite").resolve("wasm32-wasip1");
      try (Stream<Path> files = Files.list(dir)) {
        for (Path wasm : files.filter(p -> p.toString().endsWith(".wasm")).sorted().toList()) {
          String name = wasm.getFileName().toString().replace(".wasm", "");
          Path specFile = dir.resolve(name + ".json");
          JsonNode spec =
              Files.exists(specFile) ? json.readTree(specFile.toFile()) : json.createObjectNode();
          cases.add(new Case(suite + "/" + name, wasm, spec));
        }
      }
    }
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> chicory() throws IOException {
    return suite(Engine.CHICORY);
  }

  @TestFactory
  Stream<DynamicTest> wasmtime() throws IOException {
    return suite(Engine.WASMTIME);
  }

  private Stream<DynamicTest> suite(Engine engine) throws IOException {
    Assumptions.assumeTrue(
        Files.isDirectory(SUITE),
        () ->
            "skipped: the WASI test suite is not at "
                + SUITE.toAbsolutePath()
                + " (set -Dweverywhere.wasi-testsuite=DIR)");
    List<Case> cases = cases();
    assertEquals(72, cases.size(), "wasm32-wasip1 tests in the suite");
    var ledger = new ReservingQuotaLedger(TestSetup.quotas(), 0);
    Executor executor = TestSetup.executor(engine, 0, ledger);
    executors.put(engine, executor);
    Set<String> failures = new TreeSet<>();
    failed.put(engine, failures);
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      String problem = run(executor, c);
                      if (problem != null) {
                        failures.add(c.name());
                      }
                      if (KNOWN_FAILURES.get(engine).contains(c.name())) {
                        assertTrue(
                            problem != null,
                            c.name()
                                + " passes now on "
                                + engine
                                + ": take it off the known failures here and in docs/ENGINES.md");
                      } else {
                        assertFalse(
                            problem != null, () -> c.name() + " on " + engine + ": " + problem);
                      }
                    }));
  }

  /** Runs one test; null when it passed, else what went wrong. */
  static String run(Executor executor, Case c) throws IOException {
    JsonNode spec = c.spec();
    List<String> argv = new ArrayList<>(List.of(c.wasm().getFileName().toString()));
    spec.path("args").forEach(a -> argv.add(a.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    spec.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    List<Preopen> dirs = new ArrayList<>();
    if (spec.hasNonNull("root")) {
      Path root = c.wasm().getParent().resolve(spec.get("root").asText());
      dirs.add(new Preopen("/", LocalTrees.read(root, 16 * TestSetup.MIB, 10_000)));
    }
    int exitCode = spec.path("exit_code").asInt(0);
    ExecutionOutcome outcome =
        executor.execute(
            new CommandRun(Files.readAllBytes(c.wasm()), argv, env, new byte[0], RUNNER, dirs));
    if (!(outcome instanceof ExecutionOutcome.Completed done)) {
      return "ended " + outcome;
    }
    if (!(done.result() instanceof ExecutionOutcome.Exit exit) || exit.code() != exitCode) {
      return "exit "
          + done.result()
          + ", expected "
          + exitCode
          + "; stderr: "
          + done.output().stderrText();
    }
    if (spec.has("stdout") && !spec.get("stdout").asText().equals(done.output().stdoutText())) {
      return "stdout '"
          + done.output().stdoutText()
          + "', expected '"
          + spec.get("stdout").asText()
          + "'";
    }
    return null;
  }

  /** The harness itself can fail: a test run against a wrong expectation is reported. */
  @org.junit.jupiter.api.Test
  void aWrongExpectationIsReported() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(SUITE), "skipped: no WASI test suite at " + SUITE);
    Case exit33 =
        cases().stream()
            .filter(c -> c.name().endsWith("/proc_exit-failure"))
            .findFirst()
            .orElseThrow();
    var wrong =
        new Case(
            exit33.name(),
            exit33.wasm(),
            new ObjectMapper().createObjectNode().put("exit_code", 0));
    var ledger = new ReservingQuotaLedger(TestSetup.quotas(), 0);
    Executor executor = TestSetup.executor(Engine.CHICORY, 0, ledger);
    try {
      String problem = run(executor, wrong);
      assertTrue(problem != null && problem.contains("expected 0"), String.valueOf(problem));
      assertEquals(null, run(executor, exit33));
    } finally {
      executor.close();
    }
  }

  @AfterAll
  void report() {
    failed.forEach(
        (engine, failures) ->
            System.out.println(
                "wasi-testsuite on "
                    + engine
                    + ": "
                    + (72 - failures.size())
                    + "/72 pass"
                    + (failures.isEmpty() ? "" : "; failing: " + failures)));
    executors.values().forEach(Executor::close);
  }
}
