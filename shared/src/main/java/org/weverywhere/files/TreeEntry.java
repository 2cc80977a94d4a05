package org.weverywhere.files;

import java.util.Objects;

/**
 * One entry of a {@link DirTree}: its path relative to the tree's root ({@code a/b.txt}, components
 * separated by {@code /}) and its modification time in nanoseconds since the epoch.
 */
public sealed interface TreeEntry permits TreeEntry.Directory, TreeEntry.File, TreeEntry.Symlink {
  String path();

  long mtimeNanos();

  /** A directory; its entries are the ones whose paths start with its own. */
  record Directory(String path, long mtimeNanos) implements TreeEntry {
    public Directory {
      Objects.requireNonNull(path, "path");
    }
  }

  /** A regular file and its bytes (its size is their count). */
  record File(String path, byte[] content, long mtimeNanos) implements TreeEntry {
    public File {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof File f
          && f.path.equals(path)
          && f.mtimeNanos == mtimeNanos
          && java.util.Arrays.equals(f.content, content);
    }

    @Override
    public int hashCode() {
      return path.hashCode() * 31 + java.util.Arrays.hashCode(content);
    }

    @Override
    public String toString() {
      return "File[" + path + ", " + content.length + " bytes]";
    }
  }

  /** A symbolic link; its target is relative and stays inside the tree. */
  record Symlink(String path, String target, long mtimeNanos) implements TreeEntry {
    public Symlink {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(target, "target");
    }
  }
}
