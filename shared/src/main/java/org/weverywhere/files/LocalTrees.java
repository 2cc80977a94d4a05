package org.weverywhere.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * Reads a local directory into a {@link DirTree} and writes one back. Links are read as links,
 * never followed, so a tree cannot pull in a file from outside the directory; reading stops as soon
 * as the limits are passed, so a huge directory costs no more than the limit.
 */
public final class LocalTrees {
  private LocalTrees() {}

  /** The tree under {@code root}, checked against the limits (before or while reading). */
  public static DirTree read(Path root, long maxBytes, int maxEntries) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, root + ": not a directory");
    }
    List<TreeEntry> entries = new ArrayList<>();
    long[] bytes = {0};
    walk(root, root, entries, bytes, maxBytes, maxEntries);
    DirTree tree = new DirTree(entries);
    tree.check(root.toString(), maxBytes, maxEntries);
    return tree;
  }

  private static void walk(
      Path root, Path dir, List<TreeEntry> into, long[] bytes, long maxBytes, int maxEntries) {
    List<Path> children;
    try (Stream<Path> listing = Files.list(dir)) {
      children = listing.sorted().toList();
    } catch (IOException e) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, dir + ": " + e.getMessage(), e);
    }
    for (Path child : children) {
      if (into.size() >= maxEntries) {
        throw new TreeException(
            ErrorCode.TREE_TOO_LARGE, root + ": more than the " + maxEntries + " entries allowed");
      }
      String path =
          root.relativize(child).toString().replace(child.getFileSystem().getSeparator(), "/");
      try {
        BasicFileAttributes attributes =
            Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long mtime =
            attributes.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                + attributes.lastModifiedTime().toInstant().getNano();
        if (attributes.isSymbolicLink()) {
          into.add(new TreeEntry.Symlink(path, Files.readSymbolicLink(child).toString(), mtime));
        } else if (attributes.isDirectory()) {
          into.add(new TreeEntry.Directory(path, mtime));
          walk(root, child, into, bytes, maxBytes, maxEntries);
        } else if (attributes.isRegularFile()) {
          bytes[0] += attributes.size();
          if (bytes[0] > maxBytes) {
            throw new TreeException(
                ErrorCode.TREE_TOO_LARGE, root + ": more than the " + maxBytes + " bytes allowed");
          }
          into.add(new TreeEntry.File(path, Files.readAllBytes(child), mtime));
        } else {
          throw new TreeException(
              ErrorCode.TREE_INVALID,
              child + ": only files, directories and symbolic links can be sent");
        }
      } catch (IOException e) {
        throw new WeverywhereException(ErrorCode.IO_UNREADABLE, child + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Writes a tree (a result's) under {@code destination}: checked first like any received tree,
   * then nothing is written through or over a link, nothing outside the destination, and no
   * existing file is replaced unless {@code force}; all of that is decided before the first write.
   */
  public static void write(DirTree tree, Path destination, boolean force) {
    tree.check(destination.toString(), Long.MAX_VALUE, Integer.MAX_VALUE);
    Path base = destination.toAbsolutePath().normalize();
    List<TreeEntry> ordered = new ArrayList<>(tree.entries());
    ordered.sort(
        java.util.Comparator.comparingLong(e -> e.path().chars().filter(c -> c == '/').count()));
    List<String> existing = new ArrayList<>();
    for (TreeEntry entry : ordered) {
      Path target = base.resolve(entry.path()).normalize();
      if (!target.startsWith(base)) {
        throw new TreeException(ErrorCode.TREE_INVALID, entry.path() + ": outside " + base);
      }
      for (Path p = target.getParent(); p != null && p.startsWith(base); p = p.getParent()) {
        if (Files.isSymbolicLink(p)) {
          throw new WeverywhereException(
              ErrorCode.IO_UNWRITABLE, p + ": a symbolic link; nothing is written through one");
        }
      }
      boolean isDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
      if (entry instanceof TreeEntry.Directory
          ? !isDir && Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          : Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        if (isDir || entry instanceof TreeEntry.Directory || !force) {
          existing.add(target.toString());
        }
      }
    }
    if (!existing.isEmpty()) {
      throw new WeverywhereException(
          ErrorCode.IO_EXISTS,
          existing.getFirst()
              + " exists"
              + (existing.size() > 1 ? " (and " + (existing.size() - 1) + " more)" : "")
              + "; nothing was written (--force replaces files)");
    }
    try {
      Files.createDirectories(base);
      for (TreeEntry entry : ordered) {
        Path target = base.resolve(entry.path());
        var time =
            java.nio.file.attribute.FileTime.from(
                java.time.Instant.EPOCH.plusNanos(entry.mtimeNanos()));
        switch (entry) {
          case TreeEntry.Directory d -> {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
              Files.createDirectory(target);
            }
          }
          case TreeEntry.File f -> {
            Files.deleteIfExists(target); // --force: replaced, never written through a link
            Files.write(target, f.content(), java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.setLastModifiedTime(target, time);
          }
          case TreeEntry.Symlink l -> {
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Path.of(l.target()));
          }
        }
      }
      for (TreeEntry entry : ordered) {
        if (entry instanceof TreeEntry.Directory d) {
          Files.setLastModifiedTime(
              base.resolve(d.path()),
              java.nio.file.attribute.FileTime.from(
                  java.time.Instant.EPOCH.plusNanos(d.mtimeNanos())));
        }
      }
    } catch (IOException e) {
      throw new WeverywhereException(ErrorCode.IO_UNWRITABLE, base + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a result's changed trees under {@code out}, each at its guest path ({@code /} is {@code
   * out} itself), as {@link #write} does one; returns where each went, in order. A guest path that
   * would leave {@code out} is refused.
   */
  public static List<Path> writeAll(List<Preopen> trees, Path out, boolean force) {
    List<Path> written = new ArrayList<>();
    for (Preopen tree : trees) {
      String guest = tree.guestPath().replaceAll("^/+", "");
      Path at = out.resolve(guest).normalize();
      if (!at.startsWith(out.normalize())) {
        throw new TreeException(
            ErrorCode.TREE_INVALID, "guest path " + tree.guestPath() + " leaves " + out);
      }
      write(tree.tree(), at, force);
      written.add(at);
    }
    return written;
  }
}
