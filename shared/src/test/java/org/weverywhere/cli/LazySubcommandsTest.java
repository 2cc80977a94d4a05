package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A command line builds only the subcommand its arguments name (start-up, issue 16): what users see
 * must not change for that, and a name the table gets wrong must not go unnoticed.
 */
class LazySubcommandsTest {
  @Test
  void theTableHoldsEveryNameAndAliasOfItsCommandsInHelpOrder() {
    List<String> names = new ArrayList<>();
    for (String name : Main.SUBCOMMANDS) {
      var spec = new CommandLine(Main.command(Main.subcommand(name))).getCommandSpec();
      List<String> own = new ArrayList<>(List.of(spec.aliases()));
      own.add(spec.name());
      assertTrue(own.contains(name), name + " is not a name of " + spec.name());
      names.add(name);
    }
    assertEquals(List.copyOf(Main.commandLine().getSubcommands().keySet()), names);
  }

  @Test
  void aSubcommandsArgumentsBuildThatOneAlone() {
    assertEquals(
        Set.of("run"), Main.commandLine("run", "--peer", "x", "m").getSubcommands().keySet());
    assertEquals(
        Set.of("peers", "discover"), Main.commandLine("discover").getSubcommands().keySet());
    assertEquals(Set.of(), Main.commandLine("--version").getSubcommands().keySet());
    // help needs the others to describe them
    assertEquals(
        Set.copyOf(Main.SUBCOMMANDS), Main.commandLine("help", "run").getSubcommands().keySet());
    assertEquals(null, Main.subcommand("no-such-command"));
  }

  @ParameterizedTest(name = "weverywhere {0}")
  @ValueSource(strings = {"rnu", "--version extra", "-V --help", "", "@/nonexistent/args", "RUN"})
  void argumentsThatNameNoSubcommandStillGetTheWholeCommandLine(String line) {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    CliRun lean = CliRun.of(args);
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    var full = Main.commandLine();
    full.setOut(new java.io.PrintWriter(out, true));
    full.setErr(new java.io.PrintWriter(err, true));
    int status = full.execute(args);
    assertEquals(new CliRun(status, out.toString(), err.toString()), lean);
  }

  @Test
  void aMistypedSubcommandIsRefusedWithEveryCommandListed() {
    CliRun run = CliRun.of("rnu", "--peer", "x");
    assertEquals(ExitStatus.USAGE, run.status());
    assertTrue(run.err().startsWith("Unmatched arguments from index 0: 'rnu'"), run.err());
    assertTrue(run.err().contains("\n  run "), run.err());
  }

  @Test
  void aSubcommandsBadUsageSaysWhatTheFullCommandLineSays() {
    String[] args = {"run", "--peer", "x", "--no-such-option", "m"};
    var err = new java.io.StringWriter();
    var full = Main.commandLine();
    full.setErr(new java.io.PrintWriter(err, true));
    int status = full.execute(args);
    CliRun lean = CliRun.of(args);
    assertEquals(status, lean.status());
    assertEquals(err.toString(), lean.err());
  }
}
