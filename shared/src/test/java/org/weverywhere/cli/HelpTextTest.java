package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command's {@code --help} against its approved text, so a change to what users read is a
 * reviewed change. After an intended change, run with {@code -Dweverywhere.golden.update=true} and
 * review the diff of src/test/resources/org/weverywhere/cli/*.approved.txt.
 */
class HelpTextTest {
  private static final Path APPROVED = Path.of("src/test/resources/org/weverywhere/cli");

  @ParameterizedTest(name = "weverywhere {0} --help")
  @ValueSource(
      strings = {
        "",
        "inspect",
        "sign",
        "peers",
        "libraries",
        "describe",
        "fetch",
        "run",
        "services",
        "call",
        "top",
        "keygen",
        "groups",
        "config",
        "config extract",
        "config check",
        "ctl",
        "ctl status",
        "ctl set",
        "ctl group",
        "ctl group add-key",
        "ctl drain",
        "ctl service",
        "events",
        "conformance",
        "bench"
      })
  void helpMatchesItsApprovedText(String command) throws IOException {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.status(), run.err());

    String name =
        (command.isEmpty() ? "weverywhere" : command.replace(' ', '-')) + "-help.approved.txt";
    Path approved = APPROVED.resolve(name);
    if (Boolean.getBoolean("weverywhere.golden.update")) {
      Files.writeString(approved, run.out());
    }
    assertEquals(
        Files.readString(approved, StandardCharsets.UTF_8),
        run.out(),
        "help changed: review it, then update " + approved + " (-Dweverywhere.golden.update=true)");
  }
}
