package org.weverywhere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Codes are promises: unique, well-formed, and each listed in docs/ERRORS.md with its meaning. */
class ErrorCodeDocTest {
  private static final Path DOC = Path.of("../docs/ERRORS.md");
  private static final String BEGIN =
      "<!-- codes: generated from ErrorCode by ErrorCodeDocTest -->\n";
  private static final String END = "<!-- end of codes -->\n";

  @Test
  void codesAreUniqueAndWellFormed() {
    Set<String> seen = new HashSet<>();
    for (ErrorCode code : ErrorCode.values()) {
      assertTrue(code.code().matches("WE[1-9][0-9]{3}"), code.code());
      assertTrue(seen.add(code.code()), "duplicate " + code.code());
    }
  }

  @Test
  void everyCodeIsDocumented() throws IOException {
    var table = new StringBuilder("| code | name | meaning |\n|---|---|---|\n");
    for (ErrorCode code : ErrorCode.values()) {
      table
          .append("| ")
          .append(code.code())
          .append(" | `")
          .append(code.name())
          .append("` | ")
          .append(code.summary())
          .append(" |\n");
    }
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, DOC + " lacks the generated-table markers");
    String current = doc.substring(begin + BEGIN.length(), end);
    if (Boolean.getBoolean("weverywhere.docs.update")) {
      Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + table + doc.substring(end));
      current = table.toString();
    }
    assertEquals(
        table.toString(),
        current,
        "docs/ERRORS.md is out of date: run the test with -Dweverywhere.docs.update=true");
  }
}
