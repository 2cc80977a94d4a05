package org.weverywhere.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real programs built by other toolchains, taken from the npm registry at test time with npm's own
 * client ({@code npm pack}, which fetches without installing or running anything), kept in {@code
 * target/npm}, and trusted only when the package's SHA-256 is the one pinned here. Nothing fetched
 * is committed.
 */
final class NpmPackages {
  static final Path DIR = Path.of("target", "npm");

  private NpmPackages() {}

  /** A pinned package and the file wanted from it. */
  record Pinned(String name, String version, String sha256, String file) {
    String tarball() {
      return name.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
    }
  }

  /**
   * The file, fetched and checked on first use; empty with the reason printed when npm or the
   * registry cannot be reached (the caller skips).
   */
  static Optional<Path> file(Pinned pinned) {
    Path unpacked = DIR.resolve(pinned.tarball().replace(".tgz", ""));
    Path wanted = unpacked.resolve(pinned.file());
    try {
      Files.createDirectories(DIR);
      Path tarball = DIR.resolve(pinned.tarball());
      if (!Files.exists(tarball)) {
        String failure =
            run(
                List.of(
                    "npm",
                    "pack",
                    "--silent",
                    pinned.name() + "@" + pinned.version(),
                    "--pack-destination",
                    DIR.toString()),
                300);
        if (failure != null || !Files.exists(tarball)) {
          System.out.println(
              "skipped: npm pack "
                  + pinned.name()
                  + "@"
                  + pinned.version()
                  + " failed: "
                  + failure);
          return Optional.empty();
        }
      }
      String actual = sha256(Files.readAllBytes(tarball));
      if (!actual.equals(pinned.sha256())) {
        Files.delete(tarball);
        throw new IllegalStateException(
            pinned.tarball() + " has SHA-256 " + actual + ", pinned " + pinned.sha256());
      }
      if (!Files.exists(wanted)) {
        Files.createDirectories(unpacked);
        String failure =
            run(
                List.of("tar", "xzf", tarball.toString(), "-C", unpacked.toString(), pinned.file()),
                120);
        if (failure != null) {
          throw new IllegalStateException(
              "cannot unpack " + pinned.file() + " from " + tarball + ": " + failure);
        }
      }
      return Optional.of(wanted);
    } catch (IOException e) {
      System.out.println(
          "skipped: npm package " + pinned.name() + " not available: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Runs a command with a time bound; null when it exited 0, else why not. */
  private static String run(List<String> command, int seconds) throws IOException {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(DIR.resolve("npm.log").toFile())
              .start();
    } catch (IOException notInstalled) {
      return command.getFirst() + " is not installed (" + notInstalled.getMessage() + ")";
    }
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "no answer within " + seconds + " s";
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    return process.exitValue() == 0
        ? null
        : "exit " + process.exitValue() + ": " + Files.readString(DIR.resolve("npm.log")).strip();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
