package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the network commands refuse before they send anything: no daemon is needed, and none is
 * reached (the port is one nobody listens on, the wait short). The exchanges themselves are tested
 * end to end against the real daemon on Open Liberty in the server module (CliAgainstDaemonIT).
 */
class NetworkCommandsTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Test
  void aMissingKeyFileIsOneLine(@TempDir Path dir) {
    CliRun run =
        CliRun.of("peers", "--key", dir.resolve("nokey.pem").toString(), "--timeout", "0.1");
    assertEquals(1, run.status(), run.err());
    assertTrue(
        run.err().startsWith("weverywhere: " + dir.resolve("nokey.pem"))
            && run.err().endsWith("[WE1001]\n"),
        run.err());
  }

  @Test
  void aMissingModuleIsNotTakenForALibraryName(@TempDir Path dir) {
    CliRun run = CliRun.of("run", "--peer", "x", dir.resolve("gone.wasi").toString());
    assertEquals(1, run.status(), run.err());
    assertEquals(
        "weverywhere: " + dir.resolve("gone.wasi") + ": no such file [WE1001]\n", run.err());
  }

  @Test
  void aBadArgumentForALocalModuleIsRefusedBeforeLookingForADaemon() {
    CliRun run =
        CliRun.of(
            "run",
            "--peer",
            "x",
            "--port",
            "9",
            EXAMPLES.resolve("math.wasi").toString(),
            "--function",
            "is_prime",
            "seven");
    assertEquals(1, run.status(), run.err());
    assertEquals(
        "weverywhere: is_prime (i32) -> i32: argument 1 'seven' is not an i32 [WE2010]\n",
        run.err());

    CliRun unknown =
        CliRun.of(
            "run", "--peer", "x", EXAMPLES.resolve("math.wasi").toString(), "--function", "sub");
    assertEquals(1, unknown.status(), unknown.err());
    assertTrue(
        unknown
            .err()
            .contains("math.wasi exports no function 'sub'; it exports: _initialize, add, "),
        unknown.err());
    assertTrue(unknown.err().endsWith("[WE2011]\n"), unknown.err());
  }

  @Test
  void usageMistakesExitWithTwo() {
    assertEquals(2, CliRun.of("run", "--peer", "a", "--any", "math").status());
    assertEquals(
        2, CliRun.of("run", "--peer", "a", "math", "--function", "add", "--stdin", "-").status());
    assertEquals(2, CliRun.of("fetch", "a", "math").status()); // no -o
    assertEquals(2, CliRun.of("describe").status());
    assertEquals(2, CliRun.of("peers", "--timeout", "0").status());
    CliRun hash = CliRun.of("fetch", "a", "math", "-o", "x.wasi", "--sha256", "12ab");
    assertEquals(2, hash.status());
    assertTrue(
        hash.err().startsWith("Invalid value for option '--sha256': '12ab' is not 64 hex digits"),
        hash.err());
  }

  @Test
  void fetchKeepsAnExistingFileWithoutAskingAnyone(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("math.wasi"), "mine");
    CliRun run = CliRun.of("fetch", "a", "math", "-o", file.toString());
    assertEquals(1, run.status(), run.err());
    assertEquals(
        "weverywhere: " + file + ": already exists; use --force to replace it [WE1003]\n",
        run.err());
    assertEquals("mine", Files.readString(file));
  }

  @Test
  void theDefaultIdentityIsTheKeyKeygenWrites(@TempDir Path home) throws IOException {
    assertEquals(java.util.Optional.empty(), ClientOptions.defaultKey(home, "alice"));
    Path keys = Files.createDirectories(home.resolve(".config/weverywhere/keys"));
    org.weverywhere.trust.KeyPairFiles.named(keys, "alice")
        .write(org.weverywhere.trust.Ed25519.generate(), false);
    assertEquals(
        java.util.Optional.of(keys.resolve("alice.key.pem")),
        ClientOptions.defaultKey(home, "alice"));
  }
}
