package org.weverywhere.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import org.weverywhere.config.ConfigLoader;

/**
 * {@code weverywhere.d/99-control.conf}: the drop-in that {@code ctl set} and {@code ctl unset}
 * write, read last so its settings win, and kept on disk so a restart keeps them. Only the daemon
 * writes it (whole, by an atomic rename, so a crash leaves the old file or the new one); a person
 * may read or delete it.
 */
final class ControlDropIn {
  static final String FILE_NAME = "99-control.conf";
  private static final String HEADER =
      """
      # Written by the WEverywhere daemon for `weverywhere ctl set/unset`; read after the other
      # drop-ins, so these settings win. Change them with `weverywhere ctl`, or delete this file
      # and run `weverywhere ctl reload`.
      """;

  private final Path file;

  ControlDropIn(Path configDir) {
    this.file = configDir.resolve(ConfigLoader.DROP_IN_DIR).resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  /** The settings the file holds now, in key order; empty when there is no file. */
  Map<String, String> settings() {
    Map<String, String> settings = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String text = line.strip();
        int equals = text.indexOf('=');
        if (!text.isEmpty() && !text.startsWith("#") && equals > 0) {
          settings.put(text.substring(0, equals).strip(), text.substring(equals + 1).strip());
        }
      }
    } catch (NoSuchFileException absent) {
      // nothing set through control yet
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return settings;
  }

  /** The file's content with {@code changes} applied: a null value removes its key. */
  byte[] contentWith(Map<String, String> changes) {
    Map<String, String> next = new TreeMap<>(settings());
    changes.forEach(
        (key, value) -> {
          if (value == null) {
            next.remove(key);
          } else {
            next.put(key, value);
          }
        });
    var text = new StringBuilder(HEADER);
    next.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Replaces the file with {@code content}, durably: written aside, forced, then renamed over it.
   */
  void write(byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Path aside = file.resolveSibling("." + FILE_NAME + ".new");
      try (FileChannel channel =
          FileChannel.open(
              aside,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(java.nio.ByteBuffer.wrap(content));
        channel.force(true);
      }
      Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
