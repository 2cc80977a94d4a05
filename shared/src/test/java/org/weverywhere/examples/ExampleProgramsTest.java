package org.weverywhere.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example programs are built by compile-example-programs.py and behave as documented; they run
 * here under Node's WASI, an engine that is not ours, so they can serve as oracles for it.
 */
class ExampleProgramsTest {

  /** Where the build writes the modules; surefire passes it, the default suits an IDE run. */
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  private static final Path SOURCES =
      EXAMPLES.toAbsolutePath().getParent().getParent().resolve("example-programs");
  private static final List<String> PROGRAMS =
      List.of("hello", "math", "fib", "memhog", "sysinfo", "echo");
  private static final List<String> FIXTURES =
      List.of("loop", "recurse", "trap", "bigmem", "spew", "everything");
  private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm', 1, 0, 0, 0};
  private static final long TIMEOUT_SECONDS = 30;

  @TempDir Path temp;

  private static Stream<Path> allModules() {
    return Stream.concat(
        PROGRAMS.stream().map(name -> EXAMPLES.resolve(name + ".wasi")),
        FIXTURES.stream().map(name -> EXAMPLES.resolve("fixtures").resolve(name + ".wasm")));
  }

  @Test
  void everyProgramAndFixtureIsBuilt() {
    assertAll(
        allModules()
            .map(
                module ->
                    () -> {
                      assertTrue(
                          Files.isRegularFile(module),
                          module + " was not built: run compile-example-programs.py");
                      byte[] head = Arrays.copyOf(Files.readAllBytes(module), WASM_MAGIC.length);
                      assertArrayEquals(
                          WASM_MAGIC,
                          head,
                          module + " does not start with the wasm magic and version 1");
                    }));
  }

  @Test
  void wasmObjdumpAcceptsEveryModule() throws Exception {
    requireCommand("wasm-objdump", "apt-get install wabt");
    for (Path module : allModules().toList()) {
      Run run = run(List.of("wasm-objdump", "-x", module.toString()), "");
      assertEquals(0, run.exitCode(), () -> "wasm-objdump rejected " + module + ": " + run.err());
    }
  }

  @Test
  void metadataIsTheWeverywhereJsonInACustomSection() throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (String program : List.of("hello", "math", "echo")) {
      JsonNode expected =
          json.readTree(SOURCES.resolve(program).resolve("weverywhere.json").toFile());
      byte[] payload =
          customSection(Files.readAllBytes(EXAMPLES.resolve(program + ".wasi")), "weverywhere")
              .orElseThrow(() -> new AssertionError(program + ".wasi has no weverywhere section"));
      assertEquals(expected, json.readTree(payload), program);
    }
  }

  @Test
  void compiledProgramsKeepTheirNameSection() throws IOException {
    for (String program : PROGRAMS) {
      assertTrue(
          customSection(Files.readAllBytes(EXAMPLES.resolve(program + ".wasi")), "name")
              .isPresent(),
          program + ".wasi lost its name section (stripped?)");
    }
  }

  @Nested
  class UnderNode {

    @BeforeEach
    void requireNode() {
      requireCommand("node", "Node 20 or newer runs WASI preview1 modules through node:wasi");
    }

    @Test
    void helloPrintsArgumentsEnvironmentAndStdin() throws Exception {
      Run run =
          node(
              "",
              "command",
              "hello.wasi",
              "--env",
              "GREETING=hi",
              "--env",
              "EMPTY=",
              "--",
              "one",
              "two words");

      assertEquals(0, run.exitCode(), run.err());
      assertEquals(
          """
          hello from WEverywhere
          arg[0]=hello.wasi
          arg[1]=one
          arg[2]=two words
          env[0]=GREETING=hi
          env[1]=EMPTY=
          stdin=0 bytes
          """,
          run.out());
    }

    @Test
    void helloEchoesStdinWithItsByteCount() throws Exception {
      Run run = node("first line\nsecond, unterminated é", "command", "hello.wasi");

      assertEquals(0, run.exitCode(), run.err());
      assertTrue(
          run.out().endsWith("stdin=34 bytes\nfirst line\nsecond, unterminated é"), run.out());
    }

    @Test
    void fibComputesFromItsArgument() throws Exception {
      Run run = node("", "command", "fib.wasi", "--", "20");

      assertEquals(0, run.exitCode(), run.err());
      assertEquals("fib(20) = 6765\n", run.out());
    }

    @Test
    void fibRejectsABadArgumentWithUsage() throws Exception {
      Run run = node("", "command", "fib.wasi", "--", "twenty");

      assertEquals(2, run.exitCode());
      assertTrue(run.err().startsWith("usage: fib [N]"), run.err());
    }

    @ParameterizedTest(name = "{0}({1}, {2}) = {3}")
    @CsvSource({
      "add,       i32:2,                   i32:3,   5",
      "add,       i32:2147483647,          i32:1,   -2147483648",
      "is_prime,  i32:97,                  ,        1",
      "is_prime,  i32:91,                  ,        0",
      "add_i64,   i64:9007199254740993,    i64:1,   9007199254740994",
      "gcd,       i64:84,                  i64:-36, 12",
      "factorial, i32:20,                  ,        2432902008176640000",
      "scale_f32, f32:1.5,                 f32:4,   6",
      "mul_f64,   f64:2.5,                 f64:-4,  -10",
      "hypot_f64, f64:3,                   f64:4,   5",
    })
    void mathReactorExportsTypedFunctions(String function, String a, String b, String expected)
        throws Exception {
      List<String> arguments = new ArrayList<>(List.of("call", "math.wasi", function, a));
      if (b != null) {
        arguments.add(b);
      }
      Run run = node("", arguments.toArray(String[]::new));

      assertEquals(0, run.exitCode(), run.err());
      assertEquals(expected + "\n", run.out());
    }

    @Test
    void echoServiceAnswersAndCountsItsCalls() throws Exception {
      Run run = node("", "serve", "echo.wasi", "hello", "second request", "");

      assertEquals(0, run.exitCode(), run.err());
      assertEquals("echo: hello\necho: second request\necho: \ncalls=3\n", run.out());
    }

    @Test
    void sysinfoPrintsTheHostFactsAsOneJsonObject() throws Exception {
      Run run = node("", "command", "sysinfo.wasi");

      assertEquals(0, run.exitCode(), run.err());
      assertEquals(1, run.out().lines().count(), run.out());
      JsonNode facts = new ObjectMapper().readTree(run.out());
      long total = facts.get("memory_total_bytes").asLong();
      assertTrue(total > 0, run.out());
      assertTrue(facts.get("memory_free_bytes").asLong() <= total, run.out());
      assertEquals(
          Runtime.getRuntime().availableProcessors(), facts.get("cpu_logical_cores").asInt());
      assertTrue(facts.get("load_average").get("1m").isNumber(), run.out());
      assertTrue(facts.get("uptime_millis").asLong() > 0, run.out());
      // the Node runner grants no quotas: -1, unlimited, prints as null
      assertTrue(facts.get("quota_remaining").get("memory_bytes").isNull(), run.out());
    }

    @Test
    void trapFixtureTrapsOnUnreachable() throws Exception {
      Run run = node("", "command", "fixtures/trap.wasm");

      assertNotEquals(0, run.exitCode());
      assertTrue(run.err().contains("RuntimeError: unreachable"), run.err());
    }

    @Test
    void recurseFixtureExhaustsTheStack() throws Exception {
      Run run = node("", "command", "fixtures/recurse.wasm");

      assertNotEquals(0, run.exitCode());
      assertTrue(run.err().contains("Maximum call stack size exceeded"), run.err());
    }

    private Run node(String stdin, String... arguments) throws Exception {
      List<String> command = new ArrayList<>(List.of("node", "--no-warnings", runner().toString()));
      command.add(arguments[0]);
      command.add(EXAMPLES.resolve(arguments[1]).toString());
      command.addAll(Arrays.asList(arguments).subList(2, arguments.length));
      return run(command, stdin);
    }

    private Path runner() throws URISyntaxException {
      return Path.of(ExampleProgramsTest.class.getResource("wasi-run.mjs").toURI());
    }
  }

  /**
   * What a finished process printed; bounded by TIMEOUT_SECONDS so a stuck module fails the test.
   */
  private record Run(int exitCode, String out, String err) {}

  private Run run(List<String> command, String stdin) throws IOException, InterruptedException {
    Path input = Files.writeString(Files.createTempFile(temp, "stdin", ""), stdin);
    Path out = Files.createTempFile(temp, "stdout", "");
    Path err = Files.createTempFile(temp, "stderr", "");
    // files, not pipes: a chatty process can never block on a full pipe nobody reads
    Process process =
        new ProcessBuilder(command)
            .redirectInput(input.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void requireCommand(String name, String why) {
    boolean found =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .map(directory -> Path.of(directory, name))
            .anyMatch(Files::isExecutable);
    if (!found) {
      System.err.println(
          "ExampleProgramsTest: skipped, `" + name + "` is not on PATH (" + why + ")");
    }
    assumeTrue(found, () -> "`" + name + "` is not on PATH (" + why + ")");
  }

  /**
   * The payload of the first custom section with this name: read independently of the project's own
   * parser, so it checks the bytes the build script wrote.
   */
  private static Optional<byte[]> customSection(byte[] wasm, String wanted) {
    int[] at = {WASM_MAGIC.length};
    while (at[0] < wasm.length) {
      int id = wasm[at[0]++];
      int size = (int) leb128(wasm, at);
      int end = at[0] + size;
      if (id == 0) {
        int nameLength = (int) leb128(wasm, at);
        String name = new String(wasm, at[0], nameLength, StandardCharsets.UTF_8);
        if (name.equals(wanted)) {
          return Optional.of(Arrays.copyOfRange(wasm, at[0] + nameLength, end));
        }
      }
      at[0] = end;
    }
    return Optional.empty();
  }

  private static long leb128(byte[] bytes, int[] at) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[at[0]++];
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }
}
