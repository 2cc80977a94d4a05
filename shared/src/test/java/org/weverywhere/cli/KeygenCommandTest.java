package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

class KeygenCommandTest {
  @TempDir Path directory;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void writesAPrivateKeyOnlyTheOwnerCanReadAndAPublicKey() throws Exception {
    Path keys = directory.resolve("new/keys");

    int status = run("keygen", "--name", "alice", "--out", keys.toString());

    assertEquals(ExitStatus.OK, status, err.toString());
    Path privateFile = keys.resolve("alice.key.pem");
    Path publicFile = keys.resolve("alice.pub-key.pem");
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)));
    assertEquals(
        "rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(publicFile)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
    PublicKey publicKey = KeyPem.readPublicKey(publicFile);
    assertArrayEquals(
        publicKey.getEncoded(),
        Ed25519.publicKeyOf(KeyPem.readPrivateKey(privateFile)).getEncoded());
    assertEquals(
        "private key  "
            + privateFile
            + "  (mode 0600: keep it secret)\n"
            + "public key   "
            + publicFile
            + "\n"
            + "fingerprint  "
            + Fingerprint.of(publicKey)
            + "\n",
        out.toString());
    assertEquals("", err.toString());
    try (Stream<Path> files = Files.list(keys)) {
      assertEquals(2, files.count(), "no temporary files are left behind");
    }
  }

  @Test
  void refusesToOverwriteAndLeavesTheOldKeysUntouched() throws Exception {
    run("keygen", "--name", "bob", "--out", directory.toString());
    byte[] before = Files.readAllBytes(directory.resolve("bob.key.pem"));
    out.getBuffer().setLength(0);

    int status = run("keygen", "--name", "bob", "--out", directory.toString());

    assertEquals(ExitStatus.FAILURE, status);
    assertEquals(
        "weverywhere: "
            + directory.resolve("bob.key.pem")
            + ": already exists; use --force to replace the key pair [WE1003]\n",
        err.toString());
    assertEquals("", out.toString());
    assertArrayEquals(before, Files.readAllBytes(directory.resolve("bob.key.pem")));
  }

  @Test
  void refusesWhenOnlyThePublicFileExists() throws Exception {
    Files.writeString(directory.resolve("carol.pub-key.pem"), "someone else's key");

    int status = run("keygen", "--name", "carol", "--out", directory.toString());

    assertEquals(ExitStatus.FAILURE, status);
    assertTrue(err.toString().contains("carol.pub-key.pem: already exists"), err.toString());
    assertFalse(
        Files.exists(directory.resolve("carol.key.pem")),
        "nothing is written when either file exists");
  }

  @Test
  void forceReplacesTheKeyPairKeepingMode0600() throws Exception {
    run("keygen", "--name", "dave", "--out", directory.toString());
    String before = Files.readString(directory.resolve("dave.pub-key.pem"));

    int status = run("keygen", "--name", "dave", "--out", directory.toString(), "--force");

    assertEquals(ExitStatus.OK, status, err.toString());
    assertNotEquals(before, Files.readString(directory.resolve("dave.pub-key.pem")));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(directory.resolve("dave.key.pem"))));
  }

  @Test
  void jsonNamesTheFilesAndTheFingerprint() throws Exception {
    int status = run("keygen", "--name", "erin", "--out", directory.toString(), "--json");

    assertEquals(ExitStatus.OK, status, err.toString());
    JsonNode result = new ObjectMapper().readTree(out.toString());
    Fingerprint fingerprint =
        Fingerprint.of(KeyPem.readPublicKey(directory.resolve("erin.pub-key.pem")));
    assertEquals("erin", result.get("name").asText());
    assertEquals(directory.resolve("erin.key.pem").toString(), result.get("privateKey").asText());
    assertEquals(
        directory.resolve("erin.pub-key.pem").toString(), result.get("publicKey").asText());
    assertEquals(fingerprint.toString(), result.get("fingerprint").asText());
    assertEquals(fingerprint.shortForm(), result.get("shortFingerprint").asText());
  }

  @Test
  void rejectsNamesThatCouldLeaveTheDirectory() {
    for (String bad : new String[] {"../evil", "a/b", ".hidden", "", "x".repeat(65), "sp ace"}) {
      err.getBuffer().setLength(0);

      int status = run("keygen", "--name", bad, "--out", directory.toString());

      assertEquals(ExitStatus.USAGE, status, bad);
      assertTrue(
          err.toString()
              .startsWith(
                  "Invalid value for option '--name': '"
                      + bad
                      + "' (use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.')"),
          err.toString());
    }
    assertEquals(0, directory.toFile().list().length);
  }

  @Test
  void defaultNameIsTheUserNameWhenValid() {
    assertEquals("alice", KeygenCommand.defaultName("alice"));
    assertEquals("default", KeygenCommand.defaultName("DOMAIN\\alice"));
    assertEquals("default", KeygenCommand.defaultName(null));
    assertEquals(
        Path.of("/home/a/.config/weverywhere/keys"),
        KeygenCommand.defaultDirectory(Path.of("/home/a")));
  }

  @Test
  void outputDirectoryThatIsAFileIsReported() throws Exception {
    Path file = Files.writeString(directory.resolve("plain"), "x");

    int status = run("keygen", "--name", "f", "--out", file.resolve("keys").toString());

    assertEquals(ExitStatus.FAILURE, status);
    assertTrue(
        err.toString()
            .startsWith("weverywhere: " + file.resolve("keys") + ": cannot create directory: "),
        err.toString());
    assertTrue(err.toString().endsWith("[WE1002]\n"), err.toString());
  }

  private int run(String... arguments) {
    CliRun run = CliRun.of(arguments);
    out.write(run.out());
    err.write(run.err());
    return run.status();
  }
}
