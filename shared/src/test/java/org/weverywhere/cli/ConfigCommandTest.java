package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.config.SampleConfig;

class ConfigCommandTest {
  @TempDir Path dir;

  @Test
  void extractWritesEveryEmbeddedFileAndListsThem() throws IOException {
    Path target = dir.resolve("new/etc");
    CliRun run = CliRun.of("config", "extract", "--to", target.toString());

    assertEquals(0, run.status(), run.err());
    List<String> files = SampleConfig.files();
    assertEquals(
        files.stream().map(f -> target.resolve(f).toString()).toList(), run.out().lines().toList());
    for (String file : files) {
      assertArrayEquals(SampleConfig.read(file), Files.readAllBytes(target.resolve(file)), file);
    }
    assertTrue(
        files.contains("weverywhere.conf") && files.contains("weverywhere.d/10-quotas.conf"),
        files.toString());
  }

  @Test
  void extractRefusesToOverwriteAndThenWritesNothing() throws IOException {
    Files.createDirectories(dir.resolve("weverywhere.d"));
    Path existing = Files.writeString(dir.resolve("weverywhere.d/10-quotas.conf"), "mine\n");

    CliRun run = CliRun.of("config", "extract", "--to", dir.toString());

    assertEquals(1, run.status());
    assertEquals(
        "weverywhere: "
            + existing
            + " already exists; nothing written (use --force to overwrite) [WE1003]\n",
        run.err());
    assertEquals("", run.out());
    assertFalse(Files.exists(dir.resolve("weverywhere.conf")), "wrote a file although it refused");
    assertEquals("mine\n", Files.readString(existing));
  }

  @Test
  void extractWithForceOverwrites() throws IOException {
    Path existing = Files.writeString(dir.resolve("weverywhere.conf"), "mine\n");
    CliRun run = CliRun.of("config", "extract", "--to", dir.toString(), "--force", "--json");

    assertEquals(0, run.status(), run.err());
    assertArrayEquals(SampleConfig.read("weverywhere.conf"), Files.readAllBytes(existing));
    JsonNode json = new ObjectMapper().readTree(run.out());
    var written = new java.util.ArrayList<String>();
    json.get("written").forEach(path -> written.add(path.asText()));
    assertTrue(written.contains(existing.toString()), written.toString());
  }

  @Test
  void extractIntoAPathBlockedByAFileFailsWithTheReason() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "");
    CliRun run = CliRun.of("config", "extract", "--to", file.resolve("sub").toString());

    assertEquals(1, run.status());
    assertTrue(
        run.err().startsWith("weverywhere: cannot write " + file.resolve("sub") + "/"), run.err());
    assertTrue(run.err().contains(": Not a directory"), run.err());
    assertTrue(run.err().endsWith(" [WE1002]\n"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void checkPrintsEveryKeyAlignedWithValueAndSource() throws IOException {
    Files.writeString(
        dir.resolve("weverywhere.conf"), "# x\nnetwork.port = 1234\ngroup.team.quota.cores = 3\n");
    CliRun run = CliRun.of("config", "check", "--config-dir", dir.toString());

    assertEquals(0, run.status(), run.err());
    List<String> lines = run.out().lines().toList();
    String port =
        lines.stream().filter(l -> l.startsWith("network.port ")).findFirst().orElseThrow();
    assertTrue(
        port.matches(
            "network\\.port +1234 +"
                + java.util.regex.Pattern.quote(dir.resolve("weverywhere.conf") + ":2")),
        port);
    String ttl = lines.stream().filter(l -> l.startsWith("network.ttl ")).findFirst().orElseThrow();
    assertTrue(ttl.matches("network\\.ttl +1 +default"), ttl);
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("group\\.team\\.quota\\.cores +3 +.*:3")),
        run.out());
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("node\\.name +\\(unset\\) +default: the host name")),
        run.out());
    int valueColumn = port.indexOf("1234");
    assertEquals(valueColumn, ttl.indexOf(" 1 ") + 1, "values are aligned");
  }

  @Test
  void checkJsonHasKeyValueAndSource() throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), "executor.engine = chicory\n");
    CliRun run = CliRun.of("config", "check", "--config-dir", dir.toString(), "--json");

    assertEquals(0, run.status(), run.err());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(dir.toString(), json.get("location").asText());
    JsonNode engine = null;
    for (JsonNode entry : json.get("entries")) {
      if (entry.get("key").asText().equals("executor.engine")) {
        engine = entry;
      }
    }
    assertEquals("chicory", engine.get("value").asText());
    assertEquals(dir.resolve("weverywhere.conf") + ":1", engine.get("source").asText());
  }

  @Test
  void checkPrintsEveryErrorOnItsOwnLineAndFails() throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), "network.prot = 1\nhttp.port = 0\n");
    CliRun run = CliRun.of("config", "check", "--config-dir", dir.toString());

    assertEquals(1, run.status());
    assertEquals("", run.out());
    String file = dir.resolve("weverywhere.conf").toString();
    assertEquals(
        List.of(
            "weverywhere: "
                + file
                + ":1: unknown key 'network.prot' (did you mean 'network.port'?) [WE3002]",
            "weverywhere: "
                + file
                + ":2: http.port: expected a TCP/UDP port like 22341 (1 to 65535), got 0 [WE3003]"),
        run.err().lines().toList());
  }

  @Test
  void checkOfAMissingDirectoryShowsTheEmbeddedSample() {
    CliRun run =
        CliRun.of("config", "check", "--config-dir", dir.resolve("absent").toString(), "--json");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("\"location\" : \"embedded sample\""), run.out());
  }

  @Test
  void configWithoutSubcommandIsAUsageError() {
    CliRun run = CliRun.of("config");
    assertEquals(2, run.status());
    assertTrue(run.err().startsWith("Missing subcommand: extract or check"), run.err());
  }
}
