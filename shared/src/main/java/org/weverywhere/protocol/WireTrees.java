package org.weverywhere.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeEntry;
import org.weverywhere.files.TreeException;

/**
 * Directory trees on the wire (docs/PROTOCOL.md, {@code tree}): an array of {@code {guest,
 * entries}}, each entry {@code {path, kind, mtime}} with {@code data} for a file and {@code target}
 * for a link. Decoding checks shapes and names only; sizes are the executor's quota to judge, and
 * the message's own size bounds them meanwhile.
 */
final class WireTrees {
  /** Most trees one message carries. */
  static final int MAX_TREES = 64;

  private WireTrees() {}

  static List<Object> toWire(List<Preopen> trees) {
    List<Object> wire = new ArrayList<>();
    for (Preopen tree : trees) {
      List<Object> entries = new ArrayList<>();
      for (TreeEntry entry : tree.tree().entries()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("path", entry.path());
        switch (entry) {
          case TreeEntry.Directory d -> e.put("kind", "dir");
          case TreeEntry.File f -> {
            e.put("kind", "file");
            e.put("data", f.content());
          }
          case TreeEntry.Symlink l -> {
            e.put("kind", "link");
            e.put("target", l.target());
          }
        }
        e.put("mtime", entry.mtimeNanos());
        entries.add(e);
      }
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("guest", tree.guestPath());
      t.put("entries", entries);
      wire.add(t);
    }
    return wire;
  }

  static List<Preopen> read(Fields f, String key) {
    if (!f.has(key)) {
      return List.of();
    }
    List<Preopen> trees = f.list(key, WireTrees::tree);
    if (trees.size() > MAX_TREES) {
      throw Fields.malformed(f.path() + "." + key, "at most " + MAX_TREES + " trees");
    }
    return trees;
  }

  private static Preopen tree(Object item, String at) {
    Fields t = Fields.of(item, at);
    List<TreeEntry> entries = t.list("entries", WireTrees::entry);
    try {
      return new Preopen(t.text("guest"), new DirTree(entries));
    } catch (TreeException bad) {
      throw new ProtocolException(ProtocolException.Reason.MALFORMED, at + ": " + bad.getMessage());
    }
  }

  private static TreeEntry entry(Object item, String at) {
    Fields e = Fields.of(item, at);
    String path = e.text("path");
    long mtime = e.integer("mtime");
    return switch (e.text("kind")) {
      case "dir" -> new TreeEntry.Directory(path, mtime);
      case "file" -> new TreeEntry.File(path, e.bytes("data"), mtime);
      case "link" -> new TreeEntry.Symlink(path, e.text("target"), mtime);
      default -> throw Fields.malformed(at + ".kind", "dir, file or link");
    };
  }
}
