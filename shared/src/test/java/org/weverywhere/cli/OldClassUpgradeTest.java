package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The package-time rewrite of picocli's Java 5 classes (src/build/OldClassUpgrade.java, run by the
 * shared module's build so that the JDK's AOT cache can hold them): every old class comes out in a
 * newer format that the JVM's type-checking verifier accepts, a class it cannot read is left as it
 * was, and a file that is no jar fails in one line without touching it.
 */
class OldClassUpgradeTest {
  private static final Path TOOL = Path.of("src/build/OldClassUpgrade.java").toAbsolutePath();
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(JAVA.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("java " + String.join(" ", args) + " did not end within 300 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static int majorVersion(byte[] classFile) {
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  @Test
  void picocliComesOutNewEnoughForTheCacheAndStillRuns() throws Exception {
    assumeTrue(Runtime.version().feature() >= 24, "the class-file API is final from JDK 24");
    Path picocli =
        Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = dir.resolve("picocli.jar");
    byte[] garbage = "\u00ca\u00fe not a class".getBytes(StandardCharsets.ISO_8859_1);
    int oldClasses = 0;
    try (var in = new ZipInputStream(Files.newInputStream(picocli));
        var out = new ZipOutputStream(Files.newOutputStream(jar))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        byte[] bytes = in.readAllBytes();
        if (entry.getName().endsWith(".class")
            && !entry.getName().startsWith("META-INF/")
            && majorVersion(bytes) < 50) {
          oldClasses++;
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        out.write(bytes);
        out.closeEntry();
      }
      out.putNextEntry(new ZipEntry("broken/Broken.class"));
      out.write(garbage);
      out.closeEntry();
    }
    assertTrue(oldClasses > 100, "picocli is no longer built for Java 5: " + oldClasses);

    Run upgrade = java(TOOL.toString(), jar.toString());
    assertEquals(0, upgrade.status(), upgrade.err());
    assertTrue(upgrade.out().contains(oldClasses + " classes of "), upgrade.out());
    assertTrue(
        upgrade.err().startsWith("OldClassUpgrade: kept broken/Broken.class"), upgrade.err());
    try (var zip = new ZipFile(jar.toFile())) {
      for (ZipEntry entry : zip.stream().toList()) {
        try (InputStream content = zip.getInputStream(entry)) {
          byte[] bytes = content.readAllBytes();
          if (entry.getName().equals("broken/Broken.class")) {
            assertArrayEquals(garbage, bytes);
          } else if (entry.getName().startsWith("picocli/") && entry.getName().endsWith(".class")) {
            assertEquals(52, majorVersion(bytes), entry.getName());
          }
        }
      }
    }
    // picocli's own main, on the rewritten classes alone: parsing and help text, verified
    // by the type-checking verifier that classes of this version must pass (no fallback)
    Run help = java("-Xshare:off", "-cp", jar.toString(), "picocli.AutoComplete", "--help");
    assertEquals(0, help.status(), help.err());
    assertTrue(help.out().startsWith("Usage: picocli.AutoComplete"), help.out());
  }

  @Test
  void aFileThatIsNoJarIsOneLineAndLeftAlone() throws Exception {
    assumeTrue(Runtime.version().feature() >= 24, "the class-file API is final from JDK 24");
    Path notAJar = Files.writeString(dir.resolve("weverywhere.jar"), "not a zip");
    Run run = java(TOOL.toString(), notAJar.toString());
    assertEquals(1, run.status());
    assertTrue(
        run.err().startsWith("OldClassUpgrade: cannot rewrite " + notAJar + ": ")
            && run.err().lines().count() == 1,
        run.err());
    assertEquals("not a zip", Files.readString(notAJar));
    try (var left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.toString().endsWith(".upgrading")));
    }
  }
}
