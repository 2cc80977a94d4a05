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
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;

/**
 * The CLI's network commands end to end, as a user types them, against the real daemon on Open
 * Liberty: discovery and describe over loopback UDP on a port of the test's own, describe, fetch
 * and execute over Liberty's HTTP bulk channel.
 */
@TestDaemon(
    name = "test-daemon",
    libraries = "math.wasi",
    config = "group.anonymous.privileges = execute, fetch")
class CliAgainstDaemonIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  /** A WASI command whose _start calls proc_exit(3), byte by byte (see the comments). */
  private static final byte[] EXIT_3 =
      HexFormat.of()
          .parseHex(
              String.join(
                  "",
                  "0061736d01000000", // magic, version 1
                  "01080260017f00600000", // types: (i32) -> (), () -> ()
                  "0224011677617369" + "5f736e617073686f745f7072657669657731", // import
                  // "wasi_snapshot_preview1"...
                  "0970726f635f657869740000", // ..."proc_exit", a function of type 0
                  "03020101", // one function of type 1
                  "0503010001", // a memory of one page
                  "071302065f73746172740001", // export "_start" = function 1, ...
                  "066d656d6f72790200", // ..."memory" = memory 0
                  "0a08010600410310000b")); // _start: i32.const 3; call 0; end // _start: i32.const

  // 3; call 0; end

  static LibertyDaemon daemon;

  private static CliRun we(String... args) {
    return CliRun.against(daemon.udpPort(), args);
  }

  private static String nodeId() {
    return daemon.nodeId().toString();
  }

  @Test
  void peersStreamsTheDaemonThenASummary() throws IOException {
    CliRun human = we("peers");
    assertEquals(0, human.status(), human.toString());
    String[] lines = human.out().split("\n");
    assertEquals(2, lines.length, human.out());
    assertTrue(
        lines[0].matches(
            "\\S+\\s+test-daemon\\s+127\\.0\\.0\\.1\\s+udp "
                + daemon.udpPort()
                + "\\s+http "
                + daemon.httpPort()
                + "\\s+math"),
        lines[0]);
    assertTrue(lines[1].matches("1 daemon answered \\(waited \\d+ ms\\)"), lines[1]);

    CliRun json = we("discover", "--json");
    assertEquals(0, json.status(), json.toString());
    JsonNode line = new ObjectMapper().readTree(json.out());
    assertEquals(nodeId(), line.get("node").asText());
    assertEquals(daemon.httpPort(), line.get("http").asInt());
  }

  @Test
  void librariesListsWhatEveryDaemonOffers() throws Exception {
    CliRun human = we("libraries");
    assertEquals(0, human.status(), human.toString());
    String[] lines = human.out().split("\n");
    assertTrue(
        lines[0].matches("PEER\\s+LIBRARY\\s+VERSION\\s+SIZE\\s+SHA-256\\s+FUNCTIONS"), lines[0]);
    assertTrue(lines[1].startsWith("test-daemon  math "), lines[1]);
    assertTrue(
        lines[1].contains(
            sha256(EXAMPLES.resolve("math.wasi")).substring(0, 12) + "  _initialize, add, "),
        lines[1]);

    CliRun json = we("libraries", "test-daemon", "--json");
    assertEquals(0, json.status(), json.toString());
    JsonNode math = new ObjectMapper().readTree(json.out()).get(0);
    assertEquals("math", math.get("name").asText());
    assertEquals(sha256(EXAMPLES.resolve("math.wasi")), math.get("sha256").asText());
    assertEquals(Files.size(EXAMPLES.resolve("math.wasi")), math.get("size").asLong());
    assertTrue(
        math.get("exports").toString().contains("\"add (i32, i32) -> i32\""), math.toString());
  }

  @Test
  void describeFindsTheDaemonByANodeIdPrefixAndShowsTypedSignatures() throws IOException {
    CliRun human = we("describe", nodeId().substring(0, 16));
    assertEquals(0, human.status(), human.toString());
    assertTrue(
        human.out().startsWith("node       " + nodeId() + "\nname       test-daemon\n"),
        human.out());
    assertTrue(
        human.out().contains("host       not shown (needs the observe privilege)\n"), human.out());
    assertTrue(human.out().contains("\n    add (i32, i32) -> i32\n"), human.out());

    CliRun json = we("describe", "127.0.0.1:" + daemon.udpPort(), "--json");
    assertEquals(0, json.status(), json.toString());
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertEquals("test-daemon", doc.get("name").asText());
    assertEquals("math", doc.get("libraries").get(0).get("name").asText());
  }

  @Test
  void aHostAndPortIsAskedDirectlyAndAHostNameAmongThoseThatAnswered() {
    CliRun direct = we("describe", "127.0.0.1:" + daemon.udpPort(), "--verbose");
    assertEquals(0, direct.status(), direct.toString());
    assertTrue(
        direct.err().contains("weverywhere: 127.0.0.1:" + daemon.udpPort() + " is test-daemon ("),
        direct.err());

    CliRun byHost = we("libraries", "localhost");
    assertEquals(0, byHost.status(), byHost.toString());
    assertTrue(byHost.out().contains("\ntest-daemon  math "), byHost.out());

    int closed = daemon.udpPort() == 65535 ? daemon.udpPort() - 1 : daemon.udpPort() + 1;
    CliRun silent = we("describe", "127.0.0.1:" + closed);
    assertEquals(1, silent.status(), silent.toString());
    assertEquals(
        "weverywhere: no daemon answered at 127.0.0.1:" + closed + " within 1000 ms [WE5024]\n",
        silent.err());
  }

  @Test
  void anUnknownPeerIsOneLineNamingTheDaemonsThatAnswered() {
    CliRun run = we("describe", "nobody");
    assertEquals(1, run.status(), run.toString());
    assertEquals(
        "weverywhere: no daemon matches 'nobody' among 1 that answered: test-daemon ("
            + daemon.nodeId().shortForm()
            + ") [WE5030]\n",
        run.err());
  }

  @Test
  void fetchWritesTheVerifiedModuleAndNeverOverwritesWithoutForce(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("math.wasi");
    CliRun run = we("fetch", "test-daemon", "math", "-o", file.toString());
    assertEquals(0, run.status(), run.toString());
    assertArrayEquals(Files.readAllBytes(EXAMPLES.resolve("math.wasi")), Files.readAllBytes(file));
    assertEquals(
        "rw-r--r--",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(
        run.out().startsWith(file + "  " + Files.size(file) + " bytes  sha256 " + sha256(file)),
        run.out());

    Files.writeString(file, "mine");
    CliRun again = we("fetch", "test-daemon", "math", "-o", file.toString());
    assertEquals(1, again.status(), again.toString());
    assertEquals(
        "weverywhere: " + file + ": already exists; use --force to replace it [WE1003]\n",
        again.err());
    assertEquals("mine", Files.readString(file));

    CliRun forced =
        we(
            "fetch",
            "test-daemon",
            "math",
            "-o",
            file.toString(),
            "--force",
            "--json",
            "--sha256",
            sha256(EXAMPLES.resolve("math.wasi")));
    assertEquals(0, forced.status(), forced.toString());
    assertEquals(
        sha256(EXAMPLES.resolve("math.wasi")),
        new ObjectMapper().readTree(forced.out()).get("sha256").asText());
    assertArrayEquals(Files.readAllBytes(EXAMPLES.resolve("math.wasi")), Files.readAllBytes(file));
  }

  @Test
  void runWithADirectorySendsItAndWritesTheChangedTreeBack(@TempDir Path dir) throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("in.txt"), "from the cli");
    Path out = dir.resolve("result");
    String files = EXAMPLES.resolve("files.wasi").toString();
    CliRun run =
        we(
            "run",
            "--peer",
            "test-daemon",
            files,
            "--dir",
            work + "::data",
            "--out",
            out.toString(),
            "--",
            "upper",
            "data");
    assertEquals(0, run.status(), run.toString());
    assertTrue(run.out().contains("upper: 12 bytes"), run.toString());
    assertEquals("FROM THE CLI", Files.readString(out.resolve("data/out.txt")));
    assertTrue(Files.isDirectory(out.resolve("data/made")));
    CliRun again =
        we(
            "run",
            "--peer",
            "test-daemon",
            files,
            "--dir",
            work + "::data",
            "--out",
            out.toString(),
            "--",
            "upper",
            "data");
    assertEquals(1, again.status(), again.toString());
    assertTrue(again.err().contains("exists") && again.err().contains("--force"), again.toString());
    CliRun badSyntax =
        we("run", "--peer", "test-daemon", files, "--dir", "::data", "--", "upper", "data");
    assertTrue(
        badSyntax.status() != 0 && badSyntax.err().contains("LOCAL::GUEST"), badSyntax.toString());
  }

  /** A test of the official WASI suite through the CLI and a daemon, its tree given as the root. */
  @Test
  void aWasiTestSuiteProgramRunsWithItsTreeAsTheGuestsRoot(@TempDir Path dir) throws IOException {
    Path suite =
        Path.of(System.getProperty("weverywhere.wasi-testsuite", "../../shared/wasi-testsuite"))
            .resolve("c/testsuite/wasm32-wasip1");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(suite), "skipped: no WASI test suite at " + suite);
    Path out = dir.resolve("root");
    CliRun run =
        we(
            "run",
            "--peer",
            "test-daemon",
            suite.resolve("pwrite-with-access.wasm").toString(),
            "--dir",
            suite.resolve("fs-tests.dir") + "::/",
            "--out",
            out.toString());
    assertEquals(0, run.status(), run.toString());
    assertEquals(
        "Hello World!",
        Files.readString(out.resolve("file")),
        "the tree came back whole, written at --out itself for the guest path /");
    assertTrue(Files.isDirectory(out.resolve("writeable")), run.toString());
  }

  @Test
  void fetchWithAnotherHashIsRefusedAndWritesNothing(@TempDir Path dir) {
    Path file = dir.resolve("math.wasi");
    CliRun run =
        we("fetch", "test-daemon", "math", "-o", file.toString(), "--sha256", "00".repeat(32));
    assertEquals(1, run.status(), run.toString());
    assertTrue(
        run.err().endsWith("[WE5023]\n") && run.err().contains("not the one asked for"), run.err());
    assertFalse(Files.exists(file));
    assertEquals(List.of(), List.of(dir.toFile().list()));

    CliRun malformed = we("fetch", "test-daemon", "math", "-o", file.toString(), "--sha256", "abc");
    assertEquals(2, malformed.status(), malformed.toString());
    assertTrue(
        malformed
            .err()
            .startsWith("Invalid value for option '--sha256': 'abc' is not 64 hex digits"),
        malformed.err());
  }

  @Test
  void runCallsALibraryFunctionWithArgumentsTypedByItsSignature() {
    CliRun run = we("run", "--peer", "test-daemon", "math", "--function", "add", "2", "40");
    assertEquals(0, run.status(), run.toString());
    assertEquals("42\n", run.out());

    CliRun negative = we("run", "--any", "math", "--function", "add", "--", "-2", "-40");
    assertEquals(0, negative.status(), negative.toString());
    assertEquals("-42\n", negative.out());
  }

  @Test
  void runTypesACallByTheRememberedSignatureAndARefusalSendsItBackToDescribe(@TempDir Path cache)
      throws IOException {
    String peer = "127.0.0.1:" + daemon.udpPort();
    System.setProperty("weverywhere.cache.dir", cache.toString());
    try {
      CliRun first = we("run", "--peer", peer, "math", "--function", "add", "2", "40", "-v");
      assertEquals("42\n", first.out(), first.toString());
      Path file = cache.resolve("functions");
      assertEquals(List.of(nodeId() + "\tmath\tadd\ti32,i32\ti32"), Files.readAllLines(file));

      CliRun second = we("run", "--peer", peer, "math", "--function", "add", "2", "40", "-v");
      assertEquals("42\n", second.out(), second.toString());
      assertTrue(second.err().contains("no describe"), second.err());

      // a wrong entry (a planted file, or the library changed): the daemon refuses the call before
      // running it, a describe gives the signature, and the call goes again, typed right
      Files.writeString(file, nodeId() + "\tmath\tadd\ti64,i64\ti64\n");
      CliRun wrong = we("run", "--peer", peer, "math", "--function", "add", "2", "40", "-v");
      assertEquals(0, wrong.status(), wrong.toString());
      assertEquals("42\n", wrong.out(), wrong.toString());
      assertTrue(wrong.err().contains("signature changed"), wrong.err());
      assertEquals(List.of(nodeId() + "\tmath\tadd\ti32,i32\ti32"), Files.readAllLines(file));

      // a function the library does not have: the describe's answer is the error, as without one
      Files.writeString(file, nodeId() + "\tmath\tsub\ti32,i32\ti32\n");
      CliRun gone = we("run", "--peer", peer, "math", "--function", "sub", "2", "1");
      assertEquals(1, gone.status(), gone.toString());
      assertTrue(gone.err().endsWith("[WE2011]\n"), gone.err());
    } finally {
      System.clearProperty("weverywhere.cache.dir");
    }
  }

  @Test
  void runRefusesABadArgumentBeforeSendingAnything() {
    CliRun word = we("run", "--peer", "test-daemon", "math", "--function", "add", "2", "abc");
    assertEquals(1, word.status(), word.toString());
    assertEquals(
        "weverywhere: add (i32, i32) -> i32: argument 2 'abc' is not an i32 [WE2010]\n",
        word.err());

    CliRun count = we("run", "--peer", "test-daemon", "math", "--function", "add", "2");
    assertEquals(1, count.status(), count.toString());
    assertEquals(
        "weverywhere: add (i32, i32) -> i32 takes 2 arguments, not 1 [WE2010]\n", count.err());

    CliRun missing = we("run", "--peer", "test-daemon", "math", "--function", "sub", "2", "1");
    assertEquals(1, missing.status(), missing.toString());
    assertTrue(
        missing.err().startsWith("weverywhere: library math on test-daemon (")
            && missing.err().contains("exports no function 'sub'; it exports: _initialize, add, ")
            && missing.err().endsWith("[WE2011]\n"),
        missing.err());
  }

  @Test
  void runSendsALocalModuleAndCallsItsFunction() {
    CliRun run =
        we(
            "run",
            "--peer",
            "test-daemon",
            EXAMPLES.resolve("math.wasi").toString(),
            "--function",
            "mul_f64",
            "1.5",
            "-4");
    assertEquals(0, run.status(), run.toString());
    assertEquals("-6.0\n", run.out());

    CliRun bad =
        we(
            "run",
            "--peer",
            "test-daemon",
            EXAMPLES.resolve("math.wasi").toString(),
            "--function",
            "mul_f64",
            "1.5",
            "x");
    assertEquals(1, bad.status(), bad.toString());
    assertEquals(
        "weverywhere: mul_f64 (f64, f64) -> f64: argument 2 'x' is not an f64 [WE2010]\n",
        bad.err());
  }

  @Test
  void runACommandPassesArgsEnvironmentAndStdin(@TempDir Path dir) throws IOException {
    Path input = Files.writeString(dir.resolve("input.txt"), "hello");
    CliRun run =
        we(
            "run",
            "--peer",
            "test-daemon",
            EXAMPLES.resolve("hello.wasi").toString(),
            "--env",
            "GREETING=hi",
            "--stdin",
            input.toString(),
            "--",
            "--name",
            "world");
    assertEquals(0, run.status(), run.toString());
    assertTrue(run.out().startsWith("hello from WEverywhere\narg[0]=hello.wasi\n"), run.out());
    assertTrue(run.out().contains("\narg[1]=--name\narg[2]=world\n"), run.out());
    assertTrue(run.out().contains("env[0]=GREETING=hi\n"), run.out());
    assertTrue(run.out().endsWith("stdin=5 bytes\nhello"), run.out());
  }

  @Test
  void runReadsStdinFromThisProcessWithADashAndVerboseSaysWhoSigns() {
    var saved = System.in;
    System.setIn(
        new java.io.ByteArrayInputStream(
            "piped".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    try {
      CliRun run =
          we(
              "run",
              "--peer",
              "test-daemon",
              EXAMPLES.resolve("hello.wasi").toString(),
              "--stdin",
              "-",
              "--verbose",
              "--key",
              anonymousKey().toString());
      assertEquals(0, run.status(), run.toString());
      assertTrue(run.out().endsWith("stdin=5 bytes\npiped"), run.out());
      assertTrue(
          run.err().startsWith("weverywhere: signing with " + anonymousKey() + ": SHA256:"),
          run.err());
      assertTrue(
          run.err()
              .contains(
                  "weverywhere: running " + EXAMPLES.resolve("hello.wasi") + " on test-daemon ("),
          run.err());
    } finally {
      System.setIn(saved);
    }
  }

  private static Path anonymousKey() {
    Path file = daemon.configDir().resolve("cli.key.pem");
    if (!Files.exists(file)) {
      org.weverywhere.trust.KeyPairFiles.named(daemon.configDir(), "cli")
          .write(org.weverywhere.trust.Ed25519.generate(), false);
    }
    return file;
  }

  @Test
  void runExitsWithTheGuestsExitStatus(@TempDir Path dir) throws IOException {
    Path module = Files.write(dir.resolve("exit3.wasm"), EXIT_3);
    CliRun run = we("run", "--peer", "test-daemon", module.toString());
    assertEquals(3, run.status(), run.toString());
    assertEquals("", run.err());

    CliRun json = we("run", "--peer", "test-daemon", module.toString(), "--json");
    assertEquals(3, json.status(), json.toString());
    assertTrue(json.out().contains("\"outcome\" : \"completed\""), json.out());
  }

  @Test
  void aTrapIsTheGuestsStderrThenOneLine() {
    CliRun run =
        we("run", "--peer", "test-daemon", EXAMPLES.resolve("fixtures/trap.wasm").toString());
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.err().contains("[weverywhere: trap: "), run.err());
    assertTrue(run.err().endsWith("did not complete: trapped [WE2012]\n"), run.err());
  }

  @Test
  void badInputsAreOneLineErrors(@TempDir Path dir) throws IOException {
    CliRun missing = we("run", "--peer", "test-daemon", dir.resolve("missing.wasi").toString());
    assertEquals(1, missing.status(), missing.toString());
    assertEquals(
        "weverywhere: " + dir.resolve("missing.wasi") + ": no such file [WE1001]\n", missing.err());

    Path junk = Files.writeString(dir.resolve("junk.wasm"), "not a module");
    CliRun refused = we("run", "--peer", "test-daemon", junk.toString());
    assertEquals(1, refused.status(), refused.toString());
    assertTrue(
        refused
                .err()
                .startsWith(
                    "weverywhere: http://127.0.0.1:"
                        + daemon.httpPort()
                        + "/weverywhere/v1/messages refused (WE2")
            && refused.err().endsWith("[WE5023]\n"),
        refused.err());

    CliRun both = we("run", "--peer", "test-daemon", "--any", "math");
    assertEquals(2, both.status(), both.toString());
    assertTrue(
        both.err().startsWith("Error: --peer=PEER, --any are mutually exclusive"), both.err());

    CliRun noLibrary = we("run", "--any", "nosuch", "--function", "f");
    assertEquals(1, noLibrary.status(), noLibrary.toString());
    assertEquals(
        "weverywhere: none of the 1 daemons that answered offers a library 'nosuch' [WE7004]\n",
        noLibrary.err());
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException impossible) {
      throw new AssertionError(impossible);
    }
  }
}
