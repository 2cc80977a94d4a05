package org.weverywhere.desktop.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplorerSettingsTest {
  @TempDir Path dir;

  @Test
  void whatIsSavedComesBackAndMissingKeysTakeTheirDefaults() throws IOException {
    ExplorerSettings settings = ExplorerSettings.load(dir.resolve("sub/explorer.properties"));
    settings.put("window.width", 1234.5);
    settings.put("theme", "dark");
    settings.put("modules.directory", dir);
    settings.save();

    ExplorerSettings again = ExplorerSettings.load(dir.resolve("sub/explorer.properties"));
    assertEquals(1234.5, again.number("window.width", 0));
    assertEquals(Optional.of("dark"), again.text("theme"));
    assertEquals(Optional.of(dir.toString()), again.text("modules.directory"));
    assertEquals(700, again.number("window.height", 700));
  }

  @Test
  void aDamagedFileMeansDefaultsNotAFailureToStart() throws IOException {
    Path file =
        Files.writeString(dir.resolve("explorer.properties"), "window.width=wide\nbad=\\u12");
    ExplorerSettings settings = ExplorerSettings.load(file);
    assertEquals(1100, settings.number("window.width", 1100));
  }
}
