package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.wasm.TestModules;

class InspectCommandTest {
  @TempDir Path dir;
  private Path good;

  @BeforeEach
  void modules() throws IOException {
    good = Files.write(dir.resolve("demo.wasm"), TestModules.everything());
  }

  @Test
  void reportsAModuleWithTypedSignaturesAndMetadata() {
    CliRun run = CliRun.of("inspect", good.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals("", run.err());
    assertTrue(run.out().contains("  kind      command, WASI preview1\n"), run.out());
    assertTrue(run.out().contains("  module    demo 1.2.3: A demo\n"), run.out());
    assertTrue(run.out().contains("  memory    2..16 pages (128 KiB..1 MiB)\n"), run.out());
    assertTrue(
        run.out().contains("    wasi_snapshot_preview1.proc_exit  func () -> ()\n"), run.out());
    assertTrue(run.out().contains("    add     func (i32 a, i32 b) -> i32 sum  Adds\n"), run.out());
    assertTrue(run.out().contains("    mix     func (i64, f32, f64) -> (f64, i32)\n"), run.out());
    assertTrue(run.out().contains("  producer  processed-by: clang 19.1.7\n"), run.out());
  }

  @Test
  void badFilesAreReportedWithOffsetAndTheOthersStillShown() throws IOException {
    Path truncated =
        Files.write(dir.resolve("cut.wasm"), java.util.Arrays.copyOf(TestModules.everything(), 20));
    Path text = Files.writeString(dir.resolve("notes.wasi"), "hello, not wasm\n");
    Files.writeString(dir.resolve("ignored.txt"), "not a module name, not read");

    CliRun run = CliRun.of("inspect", dir.toString());

    assertEquals(1, run.status());
    assertTrue(run.out().contains(good.toString()), run.out());
    List<String> errors = run.err().lines().toList();
    assertEquals(2, errors.size(), run.err());
    assertTrue(errors.get(0).startsWith("weverywhere: " + truncated + ": at byte "), errors.get(0));
    assertTrue(
        errors.get(0).endsWith("[WE2003]") || errors.get(0).endsWith("[WE2002]"), errors.get(0));
    assertEquals(
        "weverywhere: "
            + text
            + ": at byte 0: not a WebAssembly binary (no \\0asm header) [WE2001]",
        errors.get(1));
  }

  @Test
  void directoryLoopIsReportedAndTheRestStillWalked() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(sub.resolve("back"), dir);
    CliRun run = CliRun.of("inspect", dir.toString());
    assertEquals(1, run.status());
    assertTrue(run.out().contains(good.toString()));
    assertTrue(run.err().contains("directory loop") && run.err().contains("[WE1004]"), run.err());
  }

  @Test
  void missingAndDanglingPathsAreErrors() throws IOException {
    Files.createSymbolicLink(dir.resolve("gone.wasm"), dir.resolve("nowhere"));
    CliRun run = CliRun.of("inspect", dir.toString(), dir.resolve("absent.wasm").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("gone.wasm: no such file or directory"), run.err());
    assertTrue(run.err().contains("absent.wasm: no such file or directory [WE1001]"), run.err());
    assertTrue(run.out().contains(good.toString()));
  }

  @Test
  void unreadableFileIsAnErrorNamingIt() throws IOException {
    assumeFalse(
        "root".equals(System.getProperty("user.name")),
        "running as root, which reads files whatever their mode");
    Path secret = Files.write(dir.resolve("secret.wasm"), TestModules.everything());
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    CliRun run = CliRun.of("inspect", secret.toString());
    assertEquals(1, run.status());
    assertEquals("weverywhere: " + secret + ": permission denied [WE1001]", run.err().strip());
  }

  @Test
  void emptyDirectoryIsAFailureWithAReason() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    CliRun run = CliRun.of("inspect", empty.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("no .wasm or .wasi files"), run.err());
  }

  @Test
  void noPathIsBadUsage() {
    CliRun run = CliRun.of("inspect");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("Missing required parameter: 'PATH'"), run.err());
  }

  @Test
  void byteStringsTheMetadataDeclaresAreShownWithTheCoreSignature() throws IOException {
    Path text =
        Path.of(
            System.getProperty("weverywhere.examples.dir", "../target/example-programs"),
            "text.wasi");
    CliRun run = CliRun.of("inspect", text.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(
        run.out()
            .contains(
                "concat             func (string a, string b) -> string ab [core (i32, i32, i32, i32)"
                    + " -> i64]  a followed by b\n"),
        run.out());
    assertTrue(
        run.out()
            .contains(
                "reverse            func (bytes data) -> bytes reversed [core (i32, i32) -> i64]"),
        run.out());
    CliRun json = CliRun.of("inspect", "--json", text.toString());
    JsonNode node = new ObjectMapper().readTree(json.out());
    assertEquals(java.util.Set.of(), schema().validate(node), json.out());
    assertEquals(
        "(string, string) -> string",
        node.path("metadata").path("functions").path("concat").path("signature").asText());
    assertEquals("[]", node.path("warnings").toString());
  }

  @Test
  void jsonLinesMatchTheDocumentedSchema() throws IOException {
    Files.write(dir.resolve("cut.wasm"), java.util.Arrays.copyOf(TestModules.everything(), 20));
    CliRun run = CliRun.of("inspect", "--json", dir.toString());
    assertEquals(1, run.status());
    List<String> lines = run.out().lines().toList();
    assertEquals(2, lines.size(), run.out());
    JsonSchema schema = schema();
    var mapper = new ObjectMapper();
    for (String line : lines) {
      JsonNode node = mapper.readTree(line);
      assertEquals(java.util.Set.of(), schema.validate(node), line);
    }
    JsonNode failure = mapper.readTree(lines.get(0));
    assertEquals("WE2002", failure.path("error").path("code").asText(), lines.get(0));
    JsonNode module = mapper.readTree(lines.get(1));
    assertEquals("(i32, i32) -> i32", module.path("exports").path(0).path("signature").asText());
    assertEquals(
        "a",
        module
            .path("metadata")
            .path("functions")
            .path("add")
            .path("params")
            .path(0)
            .path("name")
            .asText());
  }

  @Test
  void schemaRejectsWhatItShould() throws IOException {
    // The schema must be able to fail, or the test above proves nothing.
    JsonSchema schema = schema();
    var mapper = new ObjectMapper();
    assertTrue(!schema.validate(mapper.readTree("{\"schemaVersion\":1,\"path\":\"x\"}")).isEmpty());
    assertTrue(
        !schema
            .validate(
                mapper.readTree(
                    "{\"schemaVersion\":1,\"path\":\"x\",\"error\":{\"code\":\"E1\",\"offset\":null,\"message\":\"m\"}}"))
            .isEmpty());
  }

  static JsonSchema schema() throws IOException {
    Path file =
        Path.of(System.getProperty("user.dir"))
            .resolveSibling("docs")
            .resolve("inspect.schema.json");
    try (InputStream in = Files.newInputStream(file)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }
}
