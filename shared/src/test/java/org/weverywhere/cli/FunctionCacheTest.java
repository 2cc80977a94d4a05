package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.wasm.CallSignature;

/**
 * The remembered signatures that let {@code run --function} skip its describe. The file is input
 * like any other: whatever is in it, a lookup finds a well-formed signature or nothing (the daemon
 * still checks every call's types; CliAgainstDaemonIT runs a call typed from a wrong entry).
 */
class FunctionCacheTest {
  private static final Fingerprint NODE = Fingerprint.of(Ed25519.generate().getPublic());
  private static final Fingerprint OTHER = Fingerprint.of(Ed25519.generate().getPublic());
  private static final CallSignature ADD = new CallSignature(List.of("i32", "i32"), List.of("i32"));

  @Test
  void aRememberedSignatureIsFoundForItsNodeLibraryAndFunctionOnly(@TempDir Path dir) {
    FunctionCache cache = new FunctionCache(dir.resolve("sub/functions"));
    assertEquals(Optional.empty(), cache.find(NODE, "math", "add"));
    assertTrue(cache.remember(NODE, "math", "add", ADD));
    CallSignature none = new CallSignature(List.of(), List.of());
    assertTrue(cache.remember(NODE, "math", "reset", none));
    assertEquals(Optional.of(ADD), cache.find(NODE, "math", "add"));
    assertEquals(Optional.of(none), cache.find(NODE, "math", "reset"));
    assertEquals(Optional.empty(), cache.find(OTHER, "math", "add"));
    assertEquals(Optional.empty(), cache.find(NODE, "mat", "add"));
    assertEquals(Optional.empty(), cache.find(NODE, "math", "ad"));
  }

  @Test
  void theNewestEntryWinsAndTheFileStaysBounded(@TempDir Path dir) throws IOException {
    FunctionCache cache = new FunctionCache(dir.resolve("functions"));
    CallSignature wide = new CallSignature(List.of("i64", "f64"), List.of("string"));
    cache.remember(NODE, "math", "add", ADD);
    cache.remember(NODE, "math", "add", wide);
    assertEquals(Optional.of(wide), cache.find(NODE, "math", "add"));
    for (int i = 0; i < FunctionCache.MAX_ENTRIES + 10; i++) {
      cache.remember(NODE, "lib" + i, "f", ADD);
    }
    assertEquals(FunctionCache.MAX_ENTRIES, Files.readAllLines(dir.resolve("functions")).size());
    assertEquals(Optional.empty(), cache.find(NODE, "lib0", "f"), "the oldest went first");
    assertEquals(Optional.of(ADD), cache.find(NODE, "lib265", "f"));
  }

  @Test
  void namesThatWouldBreakALineAreNotRemembered(@TempDir Path dir) {
    FunctionCache cache = new FunctionCache(dir.resolve("functions"));
    assertFalse(cache.remember(NODE, "ma\tth", "add", ADD));
    assertFalse(cache.remember(NODE, "math", "add\nx", ADD));
    assertFalse(Files.exists(dir.resolve("functions")));
  }

  @Test
  void hostileLinesAreIgnoredOneByOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("functions");
    String key = NODE + "\tmath\tadd\t";
    Files.writeString(
        file,
        String.join(
            "\n",
            key + "i32,i33\ti32", // an unknown type
            key + "i32,i32", // no results column
            key + "i32\ti32\textra", // a column too many
            key + ",\ti32", // empty type names
            key + "i32,".repeat(100) + "i32\ti32", // too many parameters
            "\u0000garbage",
            "",
            OTHER + "\tmath\tadd\ti64\ti64"),
        StandardCharsets.UTF_8);
    FunctionCache cache = new FunctionCache(file);
    assertEquals(Optional.empty(), cache.find(NODE, "math", "add"));
    assertEquals(
        Optional.of(new CallSignature(List.of("i64"), List.of("i64"))),
        cache.find(OTHER, "math", "add"));
    // a later good line still counts, and remembering keeps the other entries
    assertTrue(cache.remember(NODE, "math", "add", ADD));
    assertEquals(Optional.of(ADD), cache.find(NODE, "math", "add"));
  }

  @Test
  void aFileThatIsNotOneWeWroteIsIgnoredWhole(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("functions");
    String line = NODE + "\tmath\tadd\ti32,i32\ti32\n";
    // too large
    Files.writeString(file, line.repeat(FunctionCache.MAX_BYTES / line.length() + 1));
    assertEquals(Optional.empty(), new FunctionCache(file).find(NODE, "math", "add"));
    // not UTF-8
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, '\n'});
    assertEquals(Optional.empty(), new FunctionCache(file).find(NODE, "math", "add"));
    // a directory, and a link to a good file elsewhere
    Files.delete(file);
    Files.createDirectory(file);
    assertEquals(Optional.empty(), new FunctionCache(file).find(NODE, "math", "add"));
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), line);
    Path link = Files.createSymbolicLink(dir.resolve("linked"), elsewhere);
    assertEquals(Optional.empty(), new FunctionCache(link).find(NODE, "math", "add"));
  }

  @Test
  void anUnwritablePlaceIsReportedNotThrown(@TempDir Path dir) throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    FunctionCache cache = new FunctionCache(notADirectory.resolve("functions"));
    assertFalse(cache.remember(NODE, "math", "add", ADD));
    assertEquals(Optional.empty(), cache.find(NODE, "math", "add"));
  }
}
