package org.weverywhere.desktop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example programs the build compiled (compile-example-programs.py), as real test modules. */
public final class Examples {
  private Examples() {}

  /**
   * {@code name}.wasi from the examples directory; fails with how to build it when it is missing.
   */
  public static Path wasi(String name) {
    Path dir =
        Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
    Path file = dir.resolve(name + ".wasi");
    assertTrue(
        Files.isRegularFile(file), file + " is missing: run python3 compile-example-programs.py");
    return file;
  }
}
