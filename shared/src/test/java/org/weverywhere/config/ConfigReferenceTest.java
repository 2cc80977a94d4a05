package org.weverywhere.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md carries the key table written from the registry. When a key changes, run
 * this test with {@code -Dweverywhere.docs.update=true} to rewrite the table, then review the diff.
 */
class ConfigReferenceTest {
  private static final String BEGIN =
      "<!-- keys:begin (generated from ConfigKeys by ConfigReferenceTest) -->\n";
  private static final String END = "<!-- keys:end -->";

  @Test
  void theReferenceListsEveryKeyAsTheRegistryDefinesIt() throws IOException {
    Path doc = SampleConfigTest.projectRoot().resolve("docs/CONFIGURATION.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "markers missing in " + doc);
    String current = text.substring(begin + BEGIN.length(), end);
    String generated = ConfigReference.markdownTable();
    if (Boolean.getBoolean("weverywhere.docs.update") && !current.equals(generated)) {
      Files.writeString(
          doc,
          text.substring(0, begin + BEGIN.length()) + generated + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertEquals(
        generated,
        current,
        doc + " is out of date: run this test with -Dweverywhere.docs.update=true");
  }

  @Test
  void everyKeyAppearsInTheTable() {
    String table = ConfigReference.markdownTable();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      assertTrue(table.contains("| `" + key.name() + "` |"), key.name());
    }
  }
}
