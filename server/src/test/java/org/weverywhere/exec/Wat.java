package org.weverywhere.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.weverywhere.daemon.ScratchDirectories;

/** Small test modules written in the text format, assembled by wabt's wat2wasm (apt: wabt). */
final class Wat {
  private Wat() {}

  /** {@code (module FIELDS)} assembled with wat2wasm's default features. */
  static byte[] module(String fields, String... flags) {
    return assemble("(module " + fields + ")", flags);
  }

  /** A whole module's text, assembled with {@code flags} (e.g. {@code --enable-tail-call}). */
  static byte[] assemble(String text, String... flags) {
    try {
      Path dir = ScratchDirectories.create("wat");
      try {
        Path source = dir.resolve("m.wat");
        Path output = dir.resolve("m.wasm");
        Files.writeString(source, text, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("wat2wasm"));
        command.addAll(List.of(flags));
        command.addAll(List.of(source.toString(), "-o", output.toString()));
        Process process;
        try {
          process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException missing) {
          Assumptions.abort(
              "wat2wasm is not installed (apt-get install wabt): " + missing.getMessage());
          throw missing;
        }
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
          throw new IllegalArgumentException("wat2wasm failed: " + said + "\n" + text);
        }
        return Files.readAllBytes(output);
      } finally {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while assembling", e);
    }
  }
}
