package org.weverywhere.exec.fs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeEntry;

/**
 * One execution's file system: the request's trees as in-memory nodes under their preopens. Paths
 * are resolved here only, against a starting directory the guest holds a descriptor for, and can
 * never leave it: {@code ..} stops at that directory, absolute paths and links are refused or
 * confined the same way. Nothing here touches a host file.
 */
public final class SandboxFs {
  /** Symbolic links followed in one lookup before it is a loop (as Linux). */
  static final int MAX_FOLLOW = 40;

  /** Longest path a guest may pass, in bytes. */
  public static final int MAX_PATH = 4096;

  /** A preopened tree: its guest path and its root. */
  public record Root(String guestPath, Dir dir) {}

  /**
   * Where a path led.
   *
   * @param parent the directory holding the last component; null for {@code .} or {@code ..}
   * @param name the last component
   * @param node what it names, null if nothing
   * @param trailingSlash the path ended in {@code /}: it must name a directory
   */
  public record Lookup(Dir parent, String name, Node node, boolean trailingSlash) {}

  private final Disk disk;
  private final List<Root> roots = new ArrayList<>();
  private long nextIno = 1;
  private boolean changed;

  private SandboxFs(Disk disk) {
    this.disk = disk;
  }

  /** No trees: a guest that opens files gets {@code BADF}/{@code NOENT} as from an empty host. */
  public static SandboxFs empty() {
    return new SandboxFs(new Disk(0, 0));
  }

  /**
   * Builds the trees in memory. They must have passed {@link DirTree#check}; the quota is charged
   * here as the guest's own writes will be.
   *
   * @throws Errno {@code NOSPC} when they do not fit {@code limitBytes} or {@code maxEntries}
   */
  public static SandboxFs of(List<Preopen> preopens, long limitBytes, int maxEntries) {
    SandboxFs fs = new SandboxFs(new Disk(limitBytes, maxEntries));
    long now = now();
    for (Preopen preopen : preopens) {
      Dir root = new Dir(fs.nextIno++, now);
      root.links = 1; // held by its preopen, never removable
      fs.build(root, preopen.tree());
      fs.roots.add(new Root(preopen.guestPath(), root));
    }
    fs.changed = false;
    return fs;
  }

  private void build(Dir root, DirTree tree) {
    Map<String, Dir> dirs = new HashMap<>();
    dirs.put("", root);
    List<TreeEntry> ordered = new ArrayList<>(tree.entries());
    ordered.sort(Comparator.comparingLong(e -> e.path().chars().filter(c -> c == '/').count()));
    for (TreeEntry entry : ordered) {
      String path = entry.path();
      int slash = path.lastIndexOf('/');
      Dir parent = dirs.get(slash < 0 ? "" : path.substring(0, slash));
      String name = path.substring(slash + 1);
      long now = entry.mtimeNanos();
      Node node =
          switch (entry) {
            case TreeEntry.Directory d -> {
              Dir dir = new Dir(nextIno++, now);
              dirs.put(path, dir);
              yield dir;
            }
            case TreeEntry.File f -> {
              RegularFile file = new RegularFile(nextIno++, now, disk);
              attach(parent, name, file, now);
              file.write(0, f.content(), 0, f.content().length, now);
              file.times(now, now, now);
              yield null;
            }
            case TreeEntry.Symlink l -> new Link(nextIno++, now, l.target());
          };
      if (node != null) {
        attach(parent, name, node, now);
      }
    }
    // children were attached after their parents: set the directories' own times last
    for (TreeEntry entry : ordered) {
      if (entry instanceof TreeEntry.Directory d) {
        Dir dir = dirs.get(d.path());
        dir.times(d.mtimeNanos(), d.mtimeNanos(), d.mtimeNanos());
      }
    }
  }

  public List<Root> roots() {
    return List.copyOf(roots);
  }

  public long bytesUsed() {
    return disk.used();
  }

  /** Whether the guest changed anything (then the trees go back with the result). */
  public boolean changed() {
    return changed;
  }

  public static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** The trees as they are now, in preopen order, for the result. */
  public List<Preopen> export() {
    List<Preopen> trees = new ArrayList<>();
    for (Root root : roots) {
      List<TreeEntry> entries = new ArrayList<>();
      walk(root.dir(), "", entries);
      trees.add(new Preopen(root.guestPath(), new DirTree(entries)));
    }
    return trees;
  }

  private static void walk(Dir dir, String prefix, List<TreeEntry> into) {
    for (var child : dir.children.entrySet()) {
      String path = prefix + child.getKey();
      switch (child.getValue()) {
        case Dir d -> {
          into.add(new TreeEntry.Directory(path, d.mtim));
          walk(d, path + "/", into);
        }
        case RegularFile f -> into.add(new TreeEntry.File(path, f.content(), f.mtim));
        case Link l -> into.add(new TreeEntry.Symlink(path, l.target, l.mtim));
      }
    }
  }

  /**
   * Resolves {@code path} from {@code start}. Components in the middle that are links are always
   * followed; the last one only when {@code followLast} or the path ends in {@code /}.
   */
  public Lookup resolve(Dir start, String path, boolean followLast) {
    if (path.isEmpty()) {
      throw new Errno(Errno.NOENT);
    }
    if (path.indexOf('\0') >= 0) {
      throw new Errno(Errno.INVAL);
    }
    if (path.startsWith("/")) {
      throw new Errno(Errno.NOTCAPABLE);
    }
    Deque<String> work = components(path);
    boolean trailing = path.endsWith("/");
    Deque<Dir> stack = new ArrayDeque<>();
    stack.push(start);
    int followed = 0;
    while (true) {
      Dir here = stack.peek();
      String name = work.isEmpty() ? "." : work.pollFirst();
      boolean last = work.isEmpty();
      if (name.equals(".")) {
        if (last) {
          return new Lookup(null, ".", here, trailing);
        }
        continue;
      }
      if (name.equals("..")) {
        if (stack.size() == 1) {
          throw new Errno(Errno.NOTCAPABLE); // above the directory the guest holds
        }
        stack.pop();
        if (last) {
          return new Lookup(null, "..", stack.peek(), trailing);
        }
        continue;
      }
      if (name.getBytes(StandardCharsets.UTF_8).length > DirTree.MAX_NAME) {
        throw new Errno(Errno.NAMETOOLONG);
      }
      Node child = here.children.get(name);
      if (last && !(child instanceof Link link && (followLast || trailing))) {
        return new Lookup(here, name, child, trailing);
      }
      switch (child) {
        case null -> throw new Errno(Errno.NOENT);
        case Dir dir -> stack.push(dir);
        case Link link -> {
          if (++followed > MAX_FOLLOW) {
            throw new Errno(Errno.LOOP);
          }
          if (link.target.startsWith("/")) {
            throw new Errno(Errno.NOTCAPABLE);
          }
          if (last && link.target.endsWith("/")) {
            trailing = true;
          }
          Deque<String> target = components(link.target);
          while (!target.isEmpty()) {
            work.addFirst(target.pollLast());
          }
          if (work.isEmpty()) {
            work.add(".");
          }
        }
        case RegularFile file -> throw new Errno(Errno.NOTDIR);
      }
    }
  }

  private static Deque<String> components(String path) {
    Deque<String> names = new ArrayDeque<>();
    for (String name : path.split("/")) {
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /** Checks a new link's target: relative, and never above the preopen from where it sits. */
  public void checkLinkTarget(Dir at, String target) {
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new Errno(Errno.INVAL);
    }
    if (target.startsWith("/")) {
      throw new Errno(Errno.NOTCAPABLE);
    }
    int depth = 0;
    for (Dir d = at; d.parent != d; d = d.parent) {
      depth++;
    }
    for (String name : target.split("/")) {
      if (name.equals("..")) {
        if (--depth < 0) {
          throw new Errno(Errno.NOTCAPABLE);
        }
      } else if (!name.isEmpty() && !name.equals(".")) {
        depth++;
      }
    }
  }

  public Dir mkdir(Dir parent, String name) {
    Dir dir = new Dir(nextIno++, now());
    attach(parent, name, dir, dir.mtim);
    return dir;
  }

  public RegularFile createFile(Dir parent, String name) {
    RegularFile file = new RegularFile(nextIno++, now(), disk);
    attach(parent, name, file, file.mtim);
    return file;
  }

  public Link symlink(Dir parent, String name, String target) {
    Link link = new Link(nextIno++, now(), target);
    attach(parent, name, link, link.mtim);
    return link;
  }

  /** A further name for an existing file or link (a hard link). */
  public void link(Dir parent, String name, Node node) {
    attach(parent, name, node, now());
  }

  /** Removes a name; a file goes once its last name and descriptor are gone. */
  public void remove(Dir parent, String name) {
    Node node = parent.children.remove(name);
    if (node == null) {
      throw new Errno(Errno.NOENT);
    }
    node.links--;
    disk.charge(-cost(name, node));
    disk.entry(-1);
    if (node instanceof RegularFile file) {
      file.recharge();
    }
    long now = now();
    node.ctim = now;
    parent.mtim = now;
    parent.ctim = now;
    changed = true;
  }

  /** Moves {@code from/fromName} to {@code to/toName}, which the caller has cleared. */
  public void move(Dir from, String fromName, Dir to, String toName) {
    Node node = from.children.get(fromName);
    remove(from, fromName);
    try {
      attach(to, toName, node, now());
    } catch (Errno full) {
      attach(from, fromName, node, now()); // costs no more than was just given back
      throw full;
    }
  }

  /** The file was opened or closed: an unlinked file's bytes go with its last descriptor. */
  public void opened(RegularFile file, int delta) {
    file.opens += delta;
    file.recharge();
  }

  /** Marks the trees as changed (a write to a file). */
  public void touched() {
    changed = true;
  }

  private void attach(Dir parent, String name, Node node, long now) {
    if (parent.removed()) {
      throw new Errno(Errno.NOENT);
    }
    long cost = cost(name, node);
    disk.entry(1);
    try {
      disk.charge(cost);
    } catch (Errno full) {
      disk.entry(-1);
      throw full;
    }
    node.links++;
    if (node instanceof RegularFile file) {
      try {
        file.recharge();
      } catch (Errno full) {
        node.links--;
        disk.charge(-cost);
        disk.entry(-1);
        throw full;
      }
    }
    parent.children.put(name, node);
    if (node instanceof Dir dir) {
      dir.parent = parent;
    }
    node.ctim = now;
    parent.mtim = now;
    parent.ctim = now;
    changed = true;
  }

  private static long cost(String name, Node node) {
    long cost = DirTree.ENTRY_OVERHEAD + name.getBytes(StandardCharsets.UTF_8).length;
    if (node instanceof Link link) {
      cost += link.size();
    }
    return cost;
  }
}
