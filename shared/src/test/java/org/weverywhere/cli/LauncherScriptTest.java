package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code weverywhere} launcher script (src/main/sh) run as a user runs it: it finds a JDK 21+
 * without starting a JVM first, refuses what is not one, never passes the JVM an AOT cache that
 * does not fit, and says in one line what is missing. The jar it starts is a manifest-only jar over
 * this test's class path, so the test runs before {@code package}.
 */
class LauncherScriptTest {
  private static final Path SCRIPT = Path.of("src/main/sh/weverywhere").toAbsolutePath();
  private static final Path THIS_JDK = Path.of(System.getProperty("java.home"));
  @TempDir static Path dir;
  private static Path jar;

  @BeforeAll
  static void aJarOverTheClassPath() throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
    }
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    jar = dir.resolve("weverywhere.jar");
    try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.flush();
    }
  }

  private record Run(int status, String out, String err) {}

  private static Run launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("WEVERYWHERE_AOT_CACHE");
    builder.environment().put("WEVERYWHERE_JAR", jar.toString());
    builder.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish within 120 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static int javaMajor(String versionOutput) {
    Matcher m = Pattern.compile("Java (\\d+)").matcher(versionOutput);
    assertTrue(m.find(), versionOutput);
    return Integer.parseInt(m.group(1));
  }

  @Test
  void startsTheCliOnAJdk21OrNewer() throws Exception {
    Run run = launch(Map.of(), "--version");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("weverywhere "), run.out());
    assertTrue(javaMajor(run.out()) >= 21, run.out());
  }

  @Test
  void aJavaHomeThatIsNoJdk21IsPassedOver() throws Exception {
    Path notAJdk = Files.createDirectories(dir.resolve("not-a-jdk/bin"));
    Files.writeString(notAJdk.getParent().resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
    // a java that would fail the run if the launcher chose it
    Path java = Files.writeString(notAJdk.resolve("java"), "#!/bin/sh\nexit 99\n");
    assertTrue(java.toFile().setExecutable(true));
    Run run =
        launch(
            Map.of(
                "JAVA_HOME",
                notAJdk.getParent().toString(),
                "WEVERYWHERE_JAVA_HOME",
                "/nonexistent"),
            "--version");
    assertEquals(0, run.status(), run.err());
    assertTrue(javaMajor(run.out()) >= 21, run.out());
  }

  @Test
  void aMissingJarIsOneLine() throws Exception {
    assumeTrue(
        !Files.exists(Path.of("/usr/lib/weverywhere/weverywhere.jar")),
        "the Debian package is installed here");
    Run run = launch(Map.of("WEVERYWHERE_JAR", dir.resolve("gone.jar").toString()), "--version");
    assertEquals(1, run.status());
    assertEquals("", run.out());
    assertTrue(
        run.err().startsWith("weverywhere: cannot find weverywhere.jar next to ")
            && run.err().lines().count() == 1,
        run.err());
  }

  @Test
  void aCacheThatDoesNotFitIsNeverHandedToTheJvm() throws Exception {
    String release = Files.readString(THIS_JDK.resolve("release"));
    Matcher runtime = Pattern.compile("JAVA_RUNTIME_VERSION=\"(.*)\"").matcher(release);
    assumeTrue(runtime.find() && Runtime.version().feature() >= 25, "AOT caches need JDK 25");
    Path cache = dir.resolve("garbage.aot");
    Files.write(cache, new byte[4096]);
    // a stamp for another jar: the launcher must not use the cache
    Files.writeString(
        dir.resolve("garbage.aot.stamp"), runtime.group(1) + " 1 1 /elsewhere/weverywhere.jar\n");
    Run stale =
        launch(
            Map.of(
                "WEVERYWHERE_AOT_CACHE",
                cache.toString(),
                "WEVERYWHERE_JAVA_HOME",
                THIS_JDK.toString()),
            "--version");
    assertEquals(0, stale.status(), stale.err());
    assertEquals("", stale.err());

    // the stamp fits but the file is garbage: the JVM goes on without it, silently
    String stamp =
        runtime.group(1)
            + " "
            + Files.size(jar)
            + " "
            + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS)
            + " "
            + jar.toRealPath();
    Files.writeString(dir.resolve("garbage.aot.stamp"), stamp + "\n");
    Run garbage =
        launch(
            Map.of(
                "WEVERYWHERE_AOT_CACHE",
                cache.toString(),
                "WEVERYWHERE_JAVA_HOME",
                THIS_JDK.toString()),
            "--version");
    assertEquals(0, garbage.status(), garbage.err());
    assertTrue(garbage.out().startsWith("weverywhere "), garbage.out());
    assertEquals("", garbage.err());
  }

  @Test
  void theCliSeesItsArgumentsAsGiven() throws Exception {
    Run run = launch(Map.of(), "peers", "--timeout", "2 x");
    assertEquals(2, run.status(), run.err());
    assertTrue(
        run.err().startsWith("Invalid value for option '--timeout': expected a duration"),
        run.err());
  }
}
