package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.wasm.TestModules;

/** sign and inspect together, with real key files made by keygen and a real groups directory. */
class SignCommandTest {
  @TempDir Path dir;
  private Path module;
  private Path config;

  @BeforeEach
  void keysAndGroups() throws IOException {
    module = Files.write(dir.resolve("demo.wasm"), TestModules.everything());
    for (String name : new String[] {"alice", "bob"}) {
      CliRun made = CliRun.of("keygen", "--name", name, "--out", dir.resolve("keys").toString());
      assertEquals(0, made.status(), made.err());
    }
    config = dir.resolve("etc");
    Files.createDirectories(config.resolve("groups/friends"));
    Files.copy(
        dir.resolve("keys/alice.pub-key.pem"), config.resolve("groups/friends/alice.pub-key.pem"));
  }

  private String key(String name) {
    return dir.resolve("keys").resolve(name + ".key.pem").toString();
  }

  private String fingerprint(String name) {
    CliRun groups = CliRun.of("groups", "--config-dir", config.toString());
    return groups
        .out()
        .lines()
        .filter(l -> l.startsWith("friends"))
        .findFirst()
        .orElseThrow()
        .split("\\s+")[1];
  }

  @Test
  void twoSignersBothVerifyAndInspectNamesTheirGroups() {
    Path signed = dir.resolve("signed.wasm");
    CliRun first =
        CliRun.of("sign", module.toString(), "--key", key("alice"), "--out", signed.toString());
    assertEquals(0, first.status(), first.err());
    CliRun second = CliRun.of("sign", signed.toString(), "--key", key("bob"));
    assertEquals(0, second.status(), second.err());
    assertTrue(second.out().contains("signers  2: "), second.out());

    CliRun inspect = CliRun.of("inspect", "--config-dir", config.toString(), signed.toString());
    assertEquals(0, inspect.status(), inspect.err());
    assertTrue(inspect.out().contains("  signed    yes, 2 valid signatures\n"), inspect.out());
    assertTrue(
        inspect
            .out()
            .contains("  signer    " + fingerprint("alice") + "  valid  groups: friends\n"),
        inspect.out());
    assertTrue(inspect.out().contains("  valid  groups: anonymous\n"), inspect.out());
    // the module itself is unchanged: same exports as before signing
    assertTrue(
        inspect.out().contains("    add     func (i32 a, i32 b) -> i32 sum  Adds\n"),
        inspect.out());
  }

  @Test
  void signingAgainWithTheSameKeyReplacesItsSignature() {
    assertEquals(0, CliRun.of("sign", module.toString(), "--key", key("alice")).status());
    CliRun again = CliRun.of("sign", module.toString(), "--key", key("alice"));
    assertEquals(0, again.status(), again.err());
    assertTrue(again.out().contains("signers  1: "), again.out());
  }

  @Test
  void aTamperedModuleIsInvalidNotUnsigned() throws IOException {
    assertEquals(0, CliRun.of("sign", module.toString(), "--key", key("alice")).status());
    byte[] bytes = Files.readAllBytes(module);
    bytes[bytes.length - 1] ^= 0x01; // the last byte of the last section's payload
    Files.write(module, bytes);

    CliRun inspect = CliRun.of("inspect", module.toString());
    assertEquals(1, inspect.status());
    assertTrue(
        inspect.out().contains("  signed    INVALID: 1 of 1 signatures do not verify\n"),
        inspect.out());
    assertTrue(
        inspect.out().contains("INVALID: module content changed after signing"), inspect.out());
    assertEquals(
        "weverywhere: "
            + module
            + ": signed, but "
            + fingerprint("alice").substring(7, 19)
            + ": module content changed after signing [WE2006]\n",
        inspect.err());

    CliRun json = CliRun.of("inspect", "--json", module.toString());
    assertEquals(1, json.status());
    assertEquals(1, json.out().lines().count(), "one JSON line per module: " + json.out());
    JsonNode line = new ObjectMapper().readTree(json.out());
    assertTrue(line.get("signed").asBoolean());
    assertEquals(false, line.get("signatures").get(0).get("valid").asBoolean());
    assertEquals(
        "module content changed after signing",
        line.get("signatures").get(0).get("detail").asText());
  }

  @Test
  void unsignedModulesSaySoAndJsonFollowsTheSchema() throws Exception {
    CliRun plain = CliRun.of("inspect", module.toString());
    assertTrue(plain.out().contains("  signed    no\n"), plain.out());

    assertEquals(0, CliRun.of("sign", module.toString(), "--key", key("bob")).status());
    CliRun json =
        CliRun.of("inspect", "--json", "--config-dir", config.toString(), module.toString());
    assertEquals(0, json.status(), json.err());
    JsonNode line = new ObjectMapper().readTree(json.out());
    assertTrue(line.get("signed").asBoolean());
    assertEquals("anonymous", line.get("signatures").get(0).get("groups").get(0).asText());
    var schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(Files.readString(Path.of("..", "docs", "inspect.schema.json")));
    assertEquals(java.util.Set.of(), schema.validate(line), json.out());
  }

  @Test
  void badInputsAreOneLineErrors() throws IOException {
    CliRun missing = CliRun.of("sign", dir.resolve("nope.wasm").toString(), "--key", key("alice"));
    assertEquals(1, missing.status());
    assertEquals(
        "weverywhere: " + dir.resolve("nope.wasm") + ": no such file [WE1001]\n", missing.err());

    Path text = Files.writeString(dir.resolve("notes.wasm"), "not wasm");
    CliRun notWasm = CliRun.of("sign", text.toString(), "--key", key("alice"));
    assertEquals(1, notWasm.status());
    assertTrue(
        notWasm.err().startsWith("weverywhere: " + text + ": at byte 0: not a WebAssembly binary")
            && notWasm.err().endsWith("[WE2001]\n"),
        notWasm.err());

    CliRun publicKey =
        CliRun.of(
            "sign", module.toString(), "--key", dir.resolve("keys/alice.pub-key.pem").toString());
    assertEquals(1, publicKey.status());
    assertTrue(publicKey.err().endsWith("[WE4001]\n"), publicKey.err());

    CliRun noKey = CliRun.of("sign", module.toString());
    assertEquals(2, noKey.status());
    assertTrue(noKey.err().startsWith("Missing required option: '--key=KEY'"), noKey.err());
  }
}
