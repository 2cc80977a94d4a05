package org.weverywhere.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the sample in {@code etc/} honest: complete, correct defaults, loadable, fully embedded.
 */
class SampleConfigTest {
  private static final Path ETC = projectRoot().resolve("etc");

  @Test
  void everyKeyIsDocumentedWithItsDefaultOrAValidExample() throws IOException {
    String sample = Files.readString(ETC.resolve("weverywhere.conf"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      if (key.isPattern() || key.isServicePattern()) {
        if (!sample.contains(key.name())) {
          missing.add(key.name());
        }
        continue;
      }
      Matcher line =
          Pattern.compile("(?m)^#? ?" + Pattern.quote(key.name()) + " = (.*)$").matcher(sample);
      if (!line.find()) {
        missing.add(key.name());
        continue;
      }
      Object written = key.type().parse(line.group(1)); // an example must at least be valid
      if (key.defaultValue() != null) {
        assertEquals(
            key.defaultValue(),
            written,
            key.name() + ": the sample shows another default than the registry");
      }
    }
    assertEquals(List.of(), missing, "keys not documented in etc/weverywhere.conf");
  }

  @Test
  void theSampleLoadsWithoutErrorsWithItsCommentedLinesEnabledToo(@TempDir Path temp)
      throws IOException {
    Config embedded = ConfigLoader.filesOnly().loadEmbedded();
    assertEquals(22341, embedded.network().port());

    // uncommenting any one "# key = value" line of the sample must give a valid file
    for (String name : List.of("weverywhere.conf", "weverywhere.d/10-quotas.conf")) {
      for (String line : Files.readAllLines(ETC.resolve(name))) {
        if (line.matches("# [a-z][A-Za-z0-9._-]* = .*") && !line.contains("<")) {
          Path dir = Files.createTempDirectory(temp, "sample");
          Files.writeString(dir.resolve("weverywhere.conf"), line.substring(2) + "\n");
          try {
            ConfigLoader.filesOnly().load(dir);
          } catch (InvalidConfigException e) {
            fail(name + ": '" + line + "' does not load: " + e.getMessage());
          }
        }
      }
    }
  }

  @Test
  void theEmbeddedIndexListsExactlyTheFilesOfEtc() throws IOException {
    List<String> onDisk;
    try (Stream<Path> files = Files.walk(ETC)) {
      onDisk =
          files
              .filter(Files::isRegularFile)
              .map(f -> ETC.relativize(f).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }
    assertEquals(onDisk, SampleConfig.files());
    for (String file : onDisk) {
      assertTrue(
          java.util.Arrays.equals(Files.readAllBytes(ETC.resolve(file)), SampleConfig.read(file)),
          file);
    }
  }

  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("etc"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no etc/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
