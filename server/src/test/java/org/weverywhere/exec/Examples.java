package org.weverywhere.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example programs Maven builds before the tests (compile-example-programs.py). */
final class Examples {
  static final Path DIR =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  private Examples() {}

  /** {@code hello} → hello.wasi; {@code fixtures/loop} → fixtures/loop.wasm. */
  static byte[] bytes(String name) {
    Path file = DIR.resolve(name.startsWith("fixtures/") ? name + ".wasm" : name + ".wasi");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "example not built: " + file + " (run compile-example-programs.py)", e);
    }
  }
}
