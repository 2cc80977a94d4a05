package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every function body of modules built by real toolchains (clang, rustc, AssemblyScript: the
 * wasi-testsuite binaries, and our example programs) decodes, fits the default limits and,
 * rewritten to a small grant, still reads the same.
 */
class RealModulesFootprintTest {
  static Stream<Path> modules() throws IOException {
    List<Path> roots =
        Stream.of(
                System.getProperty("weverywhere.examples.dir", "../target/example-programs"),
                "../../shared/wasi-testsuite",
                "../../../shared/wasi-testsuite",
                "../shared/wasi-testsuite")
            .map(Path::of)
            .filter(Files::isDirectory)
            .toList();
    Assumptions.assumeFalse(roots.isEmpty(), "neither example programs nor wasi-testsuite found");
    Stream<Path> all = Stream.empty();
    for (Path root : roots) {
      try (var walk = Files.walk(root)) {
        List<Path> found =
            walk.filter(p -> p.toString().endsWith(".wasm") || p.toString().endsWith(".wasi"))
                .filter(p -> !p.toString().contains("fixtures"))
                .sorted()
                .toList();
        all = Stream.concat(all, found.stream());
      }
    }
    return all;
  }

  @ParameterizedTest
  @MethodSource("modules")
  void decodesFitsAndSurvivesTheRewrite(Path file) throws IOException {
    ModuleInfo info = new ModuleParser().parse(file);
    Footprint footprint = info.footprint();
    assertTrue(footprint.functions() > 0 && footprint.maxBodyBytes() > 0, footprint.toString());
    assertEquals(java.util.Optional.empty(), ModuleLimits.DEFAULT.violation(footprint));
    byte[] capped = new ModuleCap(1024, 100_000).apply(Files.readAllBytes(file));
    ModuleInfo after =
        new ModuleParser().parse(new java.io.ByteArrayInputStream(capped), capped.length);
    assertEquals(
        info.exports().stream().map(Export::name).toList(),
        after.exports().stream().map(Export::name).toList());
    assertEquals(footprint.functions(), after.footprint().functions());
    assertEquals(footprint.proposals().keySet(), after.footprint().proposals().keySet());
  }
}
