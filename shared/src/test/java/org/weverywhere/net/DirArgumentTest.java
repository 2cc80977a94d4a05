package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;
import org.weverywhere.files.LocalTrees;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeException;

/**
 * The {@code LOCAL[::GUEST]} directories a client sends (CLI {@code --dir}, the explorer's attached
 * directories): how they are named, and bad ones refused with a clear message before anything runs,
 * at no more cost than the limit.
 */
class DirArgumentTest {
  @TempDir Path dir;

  @Test
  void theGuestPathIsTheLocalNameUnlessGiven() {
    assertEquals(new DirArgument(Path.of("work/data"), "data"), DirArgument.parse("work/data"));
    assertEquals(new DirArgument(Path.of("work"), "/"), DirArgument.parse("work::/"));
    assertEquals(new DirArgument(Path.of("a"), "in/b"), DirArgument.parse("a::in/b"));
  }

  @Test
  void anEmptySideOrAPathWithNulIsRefusedWithItsReason() {
    assertEquals(
        "expected LOCAL or LOCAL::GUEST",
        assertThrows(IllegalArgumentException.class, () -> DirArgument.parse("work::"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> DirArgument.parse("::data"));
    assertThrows(IllegalArgumentException.class, () -> DirArgument.parse(""));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DirArgument.parse("a\0b::x"))
            .getMessage()
            .startsWith("not a local path"));
  }

  @Test
  void aTreeLargerThanOneRequestCarriesIsRefusedBeforeItsBytesAreRead() throws Exception {
    // sparse: larger than the limit on paper, no disk used; the size alone refuses it
    try (var big = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
      big.setLength(DirArgument.MAX_BYTES + 1);
    }
    TreeException refused =
        assertThrows(
            TreeException.class, () -> DirArgument.readAll(List.of(new DirArgument(dir, "d"))));
    assertEquals(ErrorCode.TREE_TOO_LARGE, refused.code());
    assertTrue(refused.getMessage().contains("bytes allowed"), refused.getMessage());
  }

  @Test
  void theLimitsHoldForAllTreesTogether() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    try (var half = new RandomAccessFile(a.resolve("half.bin").toFile(), "rw")) {
      half.setLength(DirArgument.MAX_BYTES / 2 + 1);
    }
    try (var half = new RandomAccessFile(b.resolve("half.bin").toFile(), "rw")) {
      half.setLength(DirArgument.MAX_BYTES / 2 + 1);
    }
    assertEquals(
        ErrorCode.TREE_TOO_LARGE,
        assertThrows(
                TreeException.class,
                () ->
                    DirArgument.readAll(List.of(new DirArgument(a, "a"), new DirArgument(b, "b"))))
            .code());
  }

  @Test
  void aTreeComesBackWhereItsGuestPathSaysAndNeverOutside() throws Exception {
    Files.writeString(Files.createDirectories(dir.resolve("in")).resolve("x.txt"), "x");
    List<Preopen> sent = DirArgument.readAll(List.of(DirArgument.parse(dir.resolve("in") + "::/")));
    Path out = dir.resolve("out");
    assertEquals(List.of(out), LocalTrees.writeAll(sent, out, false));
    assertEquals("x", Files.readString(out.resolve("x.txt")));
    List<Preopen> escaping = List.of(new Preopen("../up", sent.getFirst().tree()));
    assertEquals(
        ErrorCode.TREE_INVALID,
        assertThrows(TreeException.class, () -> LocalTrees.writeAll(escaping, out, false)).code());
  }
}
