package org.weverywhere.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.weverywhere.config.Config;
import org.weverywhere.config.DaemonPaths;

/**
 * Where the daemon keeps what it creates: its host key, the library store, the event journal.
 * Located as {@link DaemonPaths} says, so the CLI finds the same place.
 */
public record StateDirectory(Path path) {
  public static final String VARIABLE = DaemonPaths.STATE_DIR_VARIABLE;

  /** Resolves the directory and creates it (mode 0700) if it is missing. */
  public static StateDirectory resolve(Config config, Map<String, String> environment) {
    Path dir = DaemonPaths.of(config, environment).stateDir();
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the state directory " + dir + ": " + e.getMessage(), e);
    }
    return new StateDirectory(dir);
  }
}
