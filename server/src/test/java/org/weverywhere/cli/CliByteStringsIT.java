package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;

/**
 * Byte strings (docs/SERVICES.md) as a user types them: the {@code text} example as a kept service
 * ({@code call}), as a library and as a local module ({@code run --function}), against the real
 * daemon on Open Liberty over loopback UDP and HTTP.
 */
@TestDaemon(
    name = "bytes-daemon",
    libraries = {"text.wasi", "fixtures/bytescaller.wasm"},
    config = "services.text.library = text")
class CliByteStringsIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  static LibertyDaemon daemon;

  private static CliRun we(String... args) {
    return CliRun.against(daemon.udpPort(), args);
  }

  @Test
  void describeAndServicesShowTheDeclaredTypes() {
    CliRun services = we("services", "bytes-daemon");
    assertEquals(0, services.status(), services.toString());
    assertTrue(
        services
            .out()
            .contains(
                "concat (string, string) -> string, upper (string) -> string, "
                    + "length (string) -> i32, reverse (bytes) -> bytes, calls () -> i32"),
        services.out());
    CliRun describe = we("describe", "bytes-daemon");
    assertTrue(describe.out().contains("concat (string, string) -> string"), describe.out());
  }

  @Test
  void aServiceTakesAndReturnsStringsAndBytes(@TempDir Path dir) throws IOException {
    CliRun concat = we("call", "bytes-daemon", "text", "concat", "Hello, ", "wörld");
    assertEquals(0, concat.status(), concat.toString());
    assertEquals("Hello, wörld\n", concat.out());
    assertEquals("5\n", we("call", "bytes-daemon", "text", "length", "wörld").out());
    assertEquals("0x030201\n", we("call", "bytes-daemon", "text", "reverse", "0x010203").out());
    Path file = Files.write(dir.resolve("data.bin"), new byte[] {(byte) 0xca, (byte) 0xfe});
    assertEquals("0xfeca\n", we("call", "bytes-daemon", "text", "reverse", "file:" + file).out());

    CliRun json = we("call", "--json", "bytes-daemon", "text", "upper", "abc");
    assertEquals(0, json.status(), json.toString());
    JsonNode value = new ObjectMapper().readTree(json.out()).get("values").get(0);
    assertEquals("string", value.get("type").asText());
    assertEquals("ABC", value.get("value").asText());
  }

  @Test
  void badBytesAreRefusedBeforeAnythingIsSent() {
    CliRun odd = we("call", "bytes-daemon", "text", "reverse", "0x123");
    assertEquals(1, odd.status(), odd.toString());
    assertTrue(
        odd.err()
            .startsWith(
                "weverywhere: reverse (bytes) -> bytes: argument 1 '0x123' is not bytes: an even"
                    + " number of hex digits after 0x"),
        odd.err());
    assertTrue(odd.err().endsWith("[WE2010]\n"), odd.err());
    CliRun word = we("call", "bytes-daemon", "text", "reverse", "abc");
    assertEquals(
        "weverywhere: reverse (bytes) -> bytes: argument 1 'abc' is not bytes: give 0x and hex digits, or"
            + " file:PATH [WE2010]\n",
        word.err());
    CliRun missing = we("call", "bytes-daemon", "text", "reverse", "file:/nonexistent/data.bin");
    assertTrue(missing.err().endsWith("[WE1001]\n"), missing.err());
  }

  @Test
  void runFunctionPassesStringsToALibraryAndToALocalModule() {
    CliRun library =
        we("run", "--peer", "bytes-daemon", "text", "--function", "concat", "ab", "cd");
    assertEquals(0, library.status(), library.toString());
    assertEquals("abcd\n", library.out());
    CliRun local =
        we(
            "run",
            "--peer",
            "bytes-daemon",
            EXAMPLES.resolve("text.wasi").toString(),
            "--function",
            "upper",
            "shout");
    assertEquals(0, local.status(), local.toString());
    assertEquals("SHOUT\n", local.out());
  }

  @Test
  void importsOfByteStringFunctionsAreRefusedAtLinkTime() {
    CliRun run = we("run", "--peer", "bytes-daemon", "bytescaller");
    assertEquals(1, run.status(), run.toString());
    assertTrue(
        run.err()
            .contains(
                "imports weverywhere:service/text.concat, but service text here takes or returns"
                    + " byte strings (string, string) -> string, which imports cannot pass"),
        run.err());
  }
}
