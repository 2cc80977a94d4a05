package org.weverywhere.files;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.weverywhere.ErrorCode;

/**
 * A directory tree as values: every entry below the root, each named by its relative path. It is
 * only ever checked and copied, never resolved against a host file system.
 */
public record DirTree(List<TreeEntry> entries) {
  /** Longest name of one path component, in UTF-8 bytes (as on common file systems). */
  public static final int MAX_NAME = 255;

  /** Deepest nesting accepted, so walking a tree stays cheap whatever it holds. */
  public static final int MAX_DEPTH = 64;

  /** What one entry costs against the disk quota besides its bytes and names. */
  public static final long ENTRY_OVERHEAD = 64;

  public static final DirTree EMPTY = new DirTree(List.of());

  public DirTree {
    entries = List.copyOf(entries);
  }

  /**
   * Bytes this tree counts against {@code quota.disk.per-execution}: contents, each entry's own
   * name plus {@link #ENTRY_OVERHEAD}, link targets. The executor counts a live tree the same way.
   */
  public long bytes() {
    long bytes = 0;
    for (TreeEntry entry : entries) {
      bytes += ENTRY_OVERHEAD + utf8(entry.path().substring(entry.path().lastIndexOf('/') + 1));
      if (entry instanceof TreeEntry.File file) {
        bytes += file.content().length;
      } else if (entry instanceof TreeEntry.Symlink link) {
        bytes += utf8(link.target());
      }
    }
    return bytes;
  }

  /**
   * Throws {@link TreeException} unless every path is a clean relative path of valid names under an
   * existing directory, no path repeats, every link stays inside the tree, and the tree fits.
   *
   * @param what names the tree in messages, e.g. its guest path
   */
  public void check(String what, long maxBytes, int maxEntries) {
    if (entries.size() > maxEntries) {
      throw new TreeException(
          ErrorCode.TREE_TOO_LARGE,
          what + ": " + entries.size() + " entries, more than the " + maxEntries + " allowed");
    }
    Map<String, TreeEntry> byPath = new HashMap<>();
    for (TreeEntry entry : entries) {
      String path = entry.path();
      checkPath(what, path);
      if (byPath.put(path, entry) != null) {
        throw invalid(what, "'" + printable(path) + "' appears twice");
      }
    }
    for (TreeEntry entry : entries) {
      String path = entry.path();
      int slash = path.lastIndexOf('/');
      if (slash > 0 && !(byPath.get(path.substring(0, slash)) instanceof TreeEntry.Directory)) {
        throw invalid(what, "'" + printable(path) + "' is not inside a directory of the tree");
      }
      if (entry instanceof TreeEntry.Symlink link) {
        checkTarget(what, path, link.target());
      }
    }
    long bytes = bytes();
    if (bytes > maxBytes) {
      throw new TreeException(
          ErrorCode.TREE_TOO_LARGE,
          what + ": " + bytes + " bytes, more than the " + maxBytes + " allowed");
    }
  }

  private static void checkPath(String what, String path) {
    if (path.isEmpty()) {
      throw invalid(what, "an entry has an empty path");
    }
    if (path.startsWith("/")) {
      throw invalid(what, "'" + printable(path) + "' is absolute; paths are relative to the tree");
    }
    String[] names = path.split("/", -1);
    if (names.length > MAX_DEPTH) {
      throw invalid(what, "'" + printable(path) + "' is nested deeper than " + MAX_DEPTH);
    }
    for (String name : names) {
      checkName(what, path, name);
    }
  }

  private static void checkName(String what, String path, String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw invalid(what, "'" + printable(path) + "' has an empty, '.' or '..' component");
    }
    if (name.indexOf('\0') >= 0) {
      throw invalid(what, "'" + printable(path) + "' has a name with NUL");
    }
    if (utf8(name) > MAX_NAME) {
      throw invalid(
          what, "'" + printable(path) + "' has a name longer than " + MAX_NAME + " bytes");
    }
  }

  /** A link's target, read from the link's directory, must never leave the tree's root. */
  private static void checkTarget(String what, String path, String target) {
    if (target.isEmpty() || target.indexOf('\0') >= 0 || utf8(target) > 4096) {
      throw invalid(what, "link '" + printable(path) + "' has an empty, too long or NUL target");
    }
    if (target.startsWith("/")) {
      throw invalid(what, "link '" + printable(path) + "' points to an absolute path");
    }
    int depth = path.split("/").length - 1;
    for (String name : target.split("/")) {
      if (name.equals("..")) {
        depth--;
        if (depth < 0) {
          throw invalid(
              what, "link '" + printable(path) + "' points outside the tree: " + printable(target));
        }
      } else if (!name.isEmpty() && !name.equals(".")) {
        depth++;
      }
    }
  }

  private static TreeException invalid(String what, String why) {
    return new TreeException(ErrorCode.TREE_INVALID, what + ": " + why);
  }

  private static String printable(String s) {
    String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return shown.replace("\0", "\\0");
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
