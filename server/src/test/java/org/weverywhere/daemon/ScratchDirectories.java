package org.weverywhere.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary directories for test daemons, their state and their modules, that do not outlive the
 * test JVM: one CI run used to leave about 45 MB in {@code /tmp} (a daemon's state, copies of the
 * example modules), so a CI machine filled up run after run. A directory a test deletes itself goes
 * at once; whatever is left when the JVM ends (a daemon that is still running, a test that failed
 * half-way) is deleted by a shutdown hook. Short paths on purpose: the daemon's control socket
 * lives in these directories, and an AF_UNIX path has at most 107 bytes.
 */
public final class ScratchDirectories {
  private static final Set<Path> LEFT = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("scratch-directories")
                .unstarted(
                    () -> {
                      for (Path dir : LEFT) {
                        try {
                          delete(dir);
                        } catch (UncheckedIOException e) {
                          // the JVM is ending: a file a daemon is still writing is not worth a
                          // failed run
                        }
                      }
                    }));
  }

  private ScratchDirectories() {}

  /** A new, empty directory in the system's temporary directory, named {@code prefix…}. */
  public static Path create(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      LEFT.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory " + prefix, e);
    }
  }

  /**
   * Deletes the tree at {@code root}, if there is one, now. A daemon still running may remove or
   * add a file under the walk, so it is tried three times.
   */
  public static void delete(Path root) {
    LEFT.remove(root);
    for (int attempt = 1; ; attempt++) {
      if (Files.notExists(root)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
        return;
      } catch (IOException e) {
        if (attempt == 3) {
          throw new UncheckedIOException("cannot delete " + root, e);
        }
      } catch (UncheckedIOException e) { // Files.walk's iterator: a directory went under it
        if (attempt == 3) {
          throw new UncheckedIOException("cannot delete " + root, e.getCause());
        }
      }
    }
  }
}
