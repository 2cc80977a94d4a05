package org.weverywhere.files;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A directory tree the guest sees as a preopened directory named {@code guestPath} (Wasmtime's
 * {@code --dir LOCAL::GUEST}); {@code /} makes it the guest's root.
 */
public record Preopen(String guestPath, DirTree tree) {
  /** Longest guest path accepted, in UTF-8 bytes. */
  public static final int MAX_GUEST_PATH = 1024;

  public Preopen {
    Objects.requireNonNull(guestPath, "guestPath");
    Objects.requireNonNull(tree, "tree");
    if (guestPath.isEmpty()
        || guestPath.indexOf('\0') >= 0
        || guestPath.getBytes(StandardCharsets.UTF_8).length > MAX_GUEST_PATH) {
      throw new TreeException(
          org.weverywhere.ErrorCode.TREE_INVALID,
          "guest path '"
              + guestPath.replace("\0", "\\0")
              + "' must be 1 to "
              + MAX_GUEST_PATH
              + " bytes without NUL");
    }
  }
}
