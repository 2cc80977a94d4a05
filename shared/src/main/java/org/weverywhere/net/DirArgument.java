package org.weverywhere.net;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.LocalTrees;
import org.weverywhere.files.Preopen;
import org.weverywhere.protocol.WireLimits;

/**
 * A local directory a client sends with a command run, seen by the guest at {@code guest}: the
 * {@code LOCAL[::GUEST]} of {@code weverywhere run --dir} (Wasmtime's syntax) and the explorer's
 * attached directories. Read and checked here, before anything goes on the network.
 */
public record DirArgument(Path local, String guest) {
  /**
   * Largest total of directory bytes one request sends: half of what one HTTP message carries, so
   * that the module and the rest of the request fit beside them.
   */
  public static final long MAX_BYTES = WireLimits.HTTP.maxMessageBytes() / 2;

  /** Most entries (files, directories, links) of all trees one request sends. */
  public static final int MAX_ENTRIES = 100_000;

  public DirArgument {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(guest, "guest");
    if (guest.isEmpty()) {
      throw new IllegalArgumentException("the guest path is empty");
    }
  }

  /**
   * {@code LOCAL} (seen as LOCAL's name) or {@code LOCAL::GUEST} ({@code ::/} makes it the guest's
   * root); throws {@link IllegalArgumentException} saying what is wrong.
   */
  public static DirArgument parse(String spec) {
    int split = spec.indexOf("::");
    String local = split < 0 ? spec : spec.substring(0, split);
    Path path;
    try {
      path = Path.of(local);
    } catch (InvalidPathException bad) {
      throw new IllegalArgumentException("not a local path: " + bad.getReason(), bad);
    }
    String guest =
        split < 0
            ? (path.getFileName() == null ? local : path.getFileName().toString())
            : spec.substring(split + 2);
    if (local.isEmpty() || guest.isEmpty()) {
      throw new IllegalArgumentException("expected LOCAL or LOCAL::GUEST");
    }
    return new DirArgument(path, guest);
  }

  /** {@code LOCAL::GUEST}, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return local + "::" + guest;
  }

  /**
   * Reads every directory, together within {@link #MAX_BYTES} and {@link #MAX_ENTRIES}; a tree too
   * large, with too many entries or a bad name or link throws {@link
   * org.weverywhere.files.TreeException} (WE codes of the tree), an unreadable one {@code
   * IO_UNREADABLE}.
   */
  public static List<Preopen> readAll(List<DirArgument> dirs) {
    List<Preopen> trees = new ArrayList<>();
    long bytesLeft = MAX_BYTES;
    int entriesLeft = MAX_ENTRIES;
    for (DirArgument dir : dirs) {
      DirTree tree = LocalTrees.read(dir.local(), bytesLeft, entriesLeft);
      bytesLeft -= tree.bytes();
      entriesLeft -= tree.entries().size();
      trees.add(new Preopen(dir.guest(), tree));
    }
    return trees;
  }
}
