package org.weverywhere.desktop.shell;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What the explorer remembers between runs (window place and size, theme, screen, last folders and
 * key), in a small properties file under the user's config directory, {@code
 * ~/.config/weverywhere/explorer.properties}. A missing or unreadable file means defaults: losing a
 * window position is no reason to refuse to start.
 */
public final class ExplorerSettings {
  private final Path file;
  private final Properties values = new Properties();

  private ExplorerSettings(Path file) {
    this.file = file;
  }

  /** The settings in {@code file}, or defaults when it is missing or unreadable. */
  public static ExplorerSettings load(Path file) {
    ExplorerSettings settings = new ExplorerSettings(file);
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        settings.values.load(in);
      } catch (IOException | IllegalArgumentException unreadable) {
        settings.values.clear(); // defaults; the next save rewrites the file whole
      }
    }
    return settings;
  }

  /** Writes the file (through a temporary file, so a crash never leaves half of it). */
  public void save() throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      values.store(out, "WEverywhere explorer: window layout and last choices");
    }
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public Path file() {
    return file;
  }

  public Optional<String> text(String key) {
    return Optional.ofNullable(values.getProperty(key)).filter(v -> !v.isBlank());
  }

  public double number(String key, double fallback) {
    try {
      return text(key).map(Double::parseDouble).orElse(fallback);
    } catch (NumberFormatException bad) {
      return fallback;
    }
  }

  public void put(String key, Object value) {
    if (value == null) {
      values.remove(key);
    } else {
      values.setProperty(key, value.toString());
    }
  }
}
