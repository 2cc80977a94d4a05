package org.weverywhere.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigKeys;

/**
 * Where the daemon keeps what it creates: its host key, the library store, the event journal.
 * {@code WEVERYWHERE_STATE_DIR} wins, then {@code state.dir}; otherwise /var/lib/weverywhere for
 * root and ~/.local/state/weverywhere for anyone else, so no root is needed to try it.
 */
public record StateDirectory(Path path) {
  public static final String VARIABLE = "WEVERYWHERE_STATE_DIR";

  /** Resolves the directory and creates it (mode 0700) if it is missing. */
  public static StateDirectory resolve(Config config, Map<String, String> environment) {
    Path dir = Optional.ofNullable(environment.get(VARIABLE))
        .filter(v -> !v.isBlank())
        .map(Path::of)
        .or(() -> config.optional(ConfigKeys.STATE_DIR))
        .orElseGet(StateDirectory::defaultPath);
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the state directory " + dir + ": " + e.getMessage(), e);
    }
    return new StateDirectory(dir.toAbsolutePath());
  }

  private static Path defaultPath() {
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/weverywhere");
    }
    return Path.of(System.getProperty("user.home"), ".local", "state", "weverywhere");
  }
}
