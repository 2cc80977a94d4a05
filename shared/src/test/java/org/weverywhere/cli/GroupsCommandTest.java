package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

class GroupsCommandTest {
  @TempDir Path config;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void listsGroupsWithFingerprintsAlignedAndReportsBadFilesOnStderr() throws Exception {
    PublicKey alice = addKey("operators", "alice");
    PublicKey bob = addKey("friends", "bob");
    Files.createDirectories(config.resolve("groups/empty"));
    Path bad = Files.writeString(config.resolve("groups/friends/junk.pub-key.pem"), "junk");

    int status = run("groups", "--config-dir", config.toString());

    assertEquals(ExitStatus.FAILURE, status);
    String a = Fingerprint.of(alice).toString();
    String b = Fingerprint.of(bob).toString();
    assertEquals(
        String.join(
            "\n",
            "GROUP      " + String.format("%-50s", "FINGERPRINT") + "  FILE",
            "anonymous  (built-in: every key in no other group)",
            "empty      (no keys)",
            "friends    " + b + "  groups/friends/bob.pub-key.pem",
            "operators  " + a + "  groups/operators/alice.pub-key.pem",
            ""),
        out.toString());
    assertEquals(
        "weverywhere: "
            + bad
            + ":1: expected -----BEGIN PUBLIC KEY----- but found 'junk' [WE4001]\n",
        err.toString());
  }

  @Test
  void exitsZeroWhenEveryFileIsGood() throws Exception {
    addKey("ops", "alice");

    assertEquals(ExitStatus.OK, run("groups", "--config-dir", config.toString()));
    assertEquals("", err.toString());
  }

  @Test
  void jsonCarriesGroupsKeysAndErrors() throws Exception {
    PublicKey alice = addKey("ops", "alice");
    Path bad = Files.writeString(config.resolve("groups/ops/x.pub-key.pem"), "");

    int status = run("groups", "--config-dir", config.toString(), "--json");

    assertEquals(ExitStatus.FAILURE, status);
    assertEquals("", err.toString(), "with --json the errors are in the document");
    JsonNode document = new ObjectMapper().readTree(out.toString());
    assertEquals(config.toString(), document.get("configDir").asText());
    JsonNode anonymous = document.get("groups").get(0);
    assertEquals("anonymous", anonymous.get("name").asText());
    assertTrue(anonymous.get("builtIn").asBoolean());
    JsonNode key = document.get("groups").get(1).get("keys").get(0);
    assertEquals(Fingerprint.of(alice).toString(), key.get("fingerprint").asText());
    assertEquals(Fingerprint.of(alice).shortForm(), key.get("shortFingerprint").asText());
    assertEquals(
        config.resolve("groups/ops/alice.pub-key.pem").toString(), key.get("file").asText());
    JsonNode error = document.get("errors").get(0);
    assertEquals("WE4001", error.get("code").asText());
    assertEquals(bad.toString(), error.get("file").asText());
    assertTrue(error.get("line").isNull());
    assertEquals(
        bad + ": empty; expected -----BEGIN PUBLIC KEY-----", error.get("message").asText());
  }

  @Test
  void missingConfigDirectoryIsOneLine() {
    Path absent = config.resolve("absent");

    int status = run("groups", "--config-dir", absent.toString());

    assertEquals(ExitStatus.FAILURE, status);
    assertEquals(
        "weverywhere: "
            + absent
            + ": no such configuration directory (use --config-dir DIR or $WEVERYWHERE_CONFIG_DIR) [WE1001]\n",
        err.toString());
  }

  @Test
  void configDirectoryDefaultsToTheVariableThenEtc() {
    assertEquals(Path.of("/etc/weverywhere"), GroupsCommand.defaultConfigDir(null));
    assertEquals(Path.of("/etc/weverywhere"), GroupsCommand.defaultConfigDir(" "));
    assertEquals(Path.of("/srv/we"), GroupsCommand.defaultConfigDir("/srv/we"));
  }

  private PublicKey addKey(String group, String name) throws Exception {
    PublicKey key = Ed25519.generate().getPublic();
    Path file = config.resolve("groups").resolve(group).resolve(name + ".pub-key.pem");
    Files.createDirectories(file.getParent());
    Files.writeString(file, KeyPem.publicKeyText(key));
    return key;
  }

  private int run(String... arguments) {
    CliRun run = CliRun.of(arguments);
    out.write(run.out());
    err.write(run.err());
    return run.status();
  }
}
