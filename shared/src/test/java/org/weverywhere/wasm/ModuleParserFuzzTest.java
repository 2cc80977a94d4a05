package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input: random and mutated modules must end in the parser's own error or a result, never
 * another exception, and never cost memory beyond a constant plus the file's size.
 */
class ModuleParserFuzzTest {
  /** What a parse may allocate whatever the input: buffers, digest, exception stack traces. */
  private static final long FIXED_ALLOWANCE = 512 * 1024;

  private static final List<byte[]> SEEDS = new ArrayList<>();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @BeforeContainer
  static void seeds() throws IOException {
    SEEDS.add(TestModules.everything());
    // Real toolchain output, when the example programs were built (mvn builds them before tests).
    Path examples =
        Path.of(System.getProperty("weverywhere.examples.dir", "target/example-programs"));
    if (Files.isDirectory(examples)) {
      try (Stream<Path> files = Files.walk(examples)) {
        for (Path p : files.filter(f -> f.toString().matches(".*\\.wasm?i?$")).sorted().toList()) {
          if (Files.size(p) < 512 * 1024) {
            SEEDS.add(Files.readAllBytes(p));
          }
        }
      }
    }
    // Warm up class loading and JIT so that one-time costs are not charged to a single input.
    for (int i = 0; i < 50; i++) {
      parseAndMeasure(TestModules.everything());
      parseAndMeasure(new byte[] {1, 2, 3});
    }
  }

  @Property(tries = 3000)
  void mutatedModulesFailOnlyWithTheParsersError(@ForAll("mutants") byte[] input) {
    long allocated = parseAndMeasure(input);
    assertTrue(
        allocated <= FIXED_ALLOWANCE + 4L * input.length,
        "allocated " + allocated + " bytes for a " + input.length + "-byte input");
  }

  @Property(tries = 1000)
  void randomBytesAfterTheHeaderFailOnlyWithTheParsersError(
      @ForAll("headerThenNoise") byte[] input) {
    long allocated = parseAndMeasure(input);
    assertTrue(
        allocated <= FIXED_ALLOWANCE + 4L * input.length,
        "allocated " + allocated + " bytes for a " + input.length + "-byte input");
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    var seed = Arbitraries.of(SEEDS);
    var edits =
        Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(8);
    var kinds = Arbitraries.integers().between(0, 3);
    return Combinators.combine(seed, edits, kinds).as(ModuleParserFuzzTest::mutate);
  }

  @Provide
  Arbitrary<byte[]> headerThenNoise() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(256)
        .map(
            noise ->
                TestModules.cat(
                    TestModules.bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00), noise));
  }

  /** Flips bytes, writes LEB-ish maxima, truncates or duplicates a slice, as fuzzers do. */
  private static byte[] mutate(byte[] seed, List<Integer> edits, int kind) {
    byte[] out = seed.clone();
    for (int edit : edits) {
      int at = Math.floorMod(edit, out.length);
      switch (kind) {
        case 0 -> out[at] = (byte) (edit >>> 8);
        case 1 -> out[at] = (byte) 0xff;
        case 2 -> out = java.util.Arrays.copyOf(out, Math.max(at, 1));
        default -> {
          int len = Math.min(16, out.length - at);
          out =
              TestModules.cat(
                  java.util.Arrays.copyOf(out, at + len),
                  java.util.Arrays.copyOfRange(out, at, out.length));
        }
      }
    }
    return out;
  }

  private static long parseAndMeasure(byte[] input) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      new ModuleParser().parse(new ByteArrayInputStream(input), input.length);
    } catch (WasmFormatException expected) {
      // the only failure allowed
    } catch (UncheckedIOException impossible) {
      throw new AssertionError("in-memory input cannot fail to read", impossible);
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
