package org.weverywhere.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

/** Bad trees get a clear error before anything runs. */
class DirTreeTest {
  static TreeException refused(TreeEntry... entries) {
    return assertThrows(
        TreeException.class, () -> new DirTree(List.of(entries)).check("t", 1 << 20, 100));
  }

  @Test
  void badNamesPathsAndLinksAreRefusedWithTheirReason() {
    var dir = new TreeEntry.Directory("d", 0);
    assertTrue(refused(new TreeEntry.File("a\0b", new byte[0], 0)).getMessage().contains("NUL"));
    assertTrue(
        refused(new TreeEntry.File("/etc/passwd", new byte[0], 0))
            .getMessage()
            .contains("absolute"));
    assertTrue(
        refused(dir, new TreeEntry.File("d//x", new byte[0], 0)).getMessage().contains("empty"));
    assertTrue(
        refused(dir, new TreeEntry.File("d/../x", new byte[0], 0)).getMessage().contains("'..'"));
    assertTrue(
        refused(new TreeEntry.File("missing/x", new byte[0], 0))
            .getMessage()
            .contains("not inside"));
    assertTrue(refused(dir, dir).getMessage().contains("twice"));
    assertTrue(
        refused(new TreeEntry.File("x".repeat(256), new byte[0], 0))
            .getMessage()
            .contains("longer"));
    assertTrue(refused(new TreeEntry.Symlink("l", "/etc", 0)).getMessage().contains("absolute"));
    assertTrue(
        refused(dir, new TreeEntry.Symlink("d/l", "../../x", 0)).getMessage().contains("outside"));
    assertEquals(ErrorCode.TREE_INVALID, refused(new TreeEntry.Symlink("l", "..", 0)).code());
    new DirTree(List.of(dir, new TreeEntry.Symlink("d/l", "../d/./x", 0))).check("t", 1 << 20, 100);
  }

  @Test
  void tooLargeOrTooManyIsRefused() {
    var big = new DirTree(List.of(new TreeEntry.File("f", new byte[2000], 0)));
    var e = assertThrows(TreeException.class, () -> big.check("t", 1000, 10));
    assertEquals(ErrorCode.TREE_TOO_LARGE, e.code());
    var many =
        new DirTree(List.of(new TreeEntry.Directory("a", 0), new TreeEntry.Directory("b", 0)));
    assertEquals(
        ErrorCode.TREE_TOO_LARGE,
        assertThrows(TreeException.class, () -> many.check("t", 1000, 1)).code());
    assertThrows(TreeException.class, () -> new Preopen("", DirTree.EMPTY));
    assertThrows(TreeException.class, () -> new Preopen("a\0", DirTree.EMPTY));
  }

  @Test
  void aLocalDirectoryIsReadWithoutFollowingLinksOrPassingItsLimit(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/f.txt"), "hello");
    Files.createSymbolicLink(dir.resolve("in"), Path.of("sub/f.txt"));
    DirTree tree = LocalTrees.read(dir, 1 << 20, 100);
    assertEquals(
        List.of("in", "sub", "sub/f.txt"), tree.entries().stream().map(TreeEntry::path).toList());
    assertEquals("sub/f.txt", ((TreeEntry.Symlink) tree.entries().get(0)).target());
    Files.createSymbolicLink(dir.resolve("out"), Path.of("/etc/passwd"));
    assertEquals(
        ErrorCode.TREE_INVALID,
        assertThrows(TreeException.class, () -> LocalTrees.read(dir, 1 << 20, 100)).code());
    Files.delete(dir.resolve("out"));
    Files.write(dir.resolve("big"), new byte[5000]);
    assertEquals(
        ErrorCode.TREE_TOO_LARGE,
        assertThrows(TreeException.class, () -> LocalTrees.read(dir, 1000, 100)).code());
  }

  @Test
  void aTreeIsWrittenBackWithoutOverwritingOrFollowingLinks(@TempDir Path dir) throws Exception {
    var tree =
        new DirTree(
            List.of(
                new TreeEntry.Directory("d", 0),
                new TreeEntry.File("d/f", "x".getBytes(), 1_000_000_000L),
                new TreeEntry.Symlink("l", "d/f", 0)));
    Path out = dir.resolve("out");
    LocalTrees.write(tree, out, false);
    assertEquals("x", Files.readString(out.resolve("d/f")));
    assertEquals(Path.of("d/f"), Files.readSymbolicLink(out.resolve("l")));
    assertEquals(1_000L, Files.getLastModifiedTime(out.resolve("d/f")).toMillis());
    var again =
        assertThrows(
            org.weverywhere.WeverywhereException.class, () -> LocalTrees.write(tree, out, false));
    assertEquals(ErrorCode.IO_EXISTS, again.code());
    LocalTrees.write(tree, out, true);
    // a link planted where a directory goes is never written through
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Path planted = dir.resolve("planted");
    Files.createDirectories(planted);
    Files.createSymbolicLink(planted.resolve("d"), victim);
    assertThrows(
        org.weverywhere.WeverywhereException.class, () -> LocalTrees.write(tree, planted, true));
    assertEquals(0, Files.list(victim).count(), "nothing written through the link");
    var escaping = new DirTree(List.of(new TreeEntry.Symlink("l", "../../etc", 0)));
    assertEquals(
        ErrorCode.TREE_INVALID,
        assertThrows(TreeException.class, () -> LocalTrees.write(escaping, dir.resolve("e"), true))
            .code());
  }
}
