package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code run}'s command line is built in code (RunSpec) and its client options twice, in code for
 * {@code run} and by annotations for the other commands: the help text is checked by HelpTextTest,
 * the values it hands the command and the agreement of the two definitions here.
 */
class RunSpecTest {
  @CommandLine.Command(name = "annotated")
  static final class Annotated {
    @Mixin ClientOptions client;
  }

  private static String described(OptionSpec option) {
    return String.join(",", option.names())
        + " label="
        + option.paramLabel()
        + " type="
        + option.type().getName()
        + " aux="
        + List.of(option.auxiliaryTypes())
        + " arity="
        + option.arity()
        + " default="
        + option.defaultValue()
        + " description="
        + List.of(option.description());
  }

  @Test
  void theClientOptionsBuiltInCodeAreTheAnnotatedOnes() {
    CommandSpec inCode = CommandSpec.create();
    ClientOptions.addTo(inCode);
    CommandSpec annotated = new CommandLine(new Annotated()).getCommandSpec();
    Set<String> expected =
        annotated.options().stream().map(RunSpecTest::described).collect(Collectors.toSet());
    assertEquals(5, expected.size());
    assertEquals(
        expected,
        inCode.options().stream().map(RunSpecTest::described).collect(Collectors.toSet()));
  }

  @Test
  void theParsedValuesReachTheCommand() {
    RunCommand command = new RunCommand();
    var commandLine = new CommandLine(RunSpec.of(command));
    commandLine.registerConverter(Duration.class, new DurationArgument());
    commandLine.parseArgs(
        "--peer",
        "p",
        "-i",
        "lo",
        "-i",
        "eth0",
        "--port",
        "5",
        "--timeout",
        "250ms",
        "-v",
        "--json",
        "--env",
        "A=1",
        "--env",
        "B=2",
        "--dir",
        "d1",
        "--dir",
        "d2::g",
        "--out",
        "o",
        "--force",
        "--stdin",
        "-",
        "--function",
        "add",
        "math",
        "2",
        "40");
    RunSpec.bind(command.spec, command);
    assertEquals("p", command.where.peer);
    assertFalse(command.where.any || command.where.all);
    assertNull(command.where.spread);
    assertEquals(List.of("lo", "eth0"), command.client.interfaces);
    assertEquals(5, command.client.port);
    assertEquals(Duration.ofMillis(250), command.client.timeout);
    assertTrue(command.client.verbose);
    assertNull(command.client.key);
    assertTrue(command.json && command.force);
    assertEquals(Map.of("A", "1", "B", "2"), command.env);
    assertEquals(List.of("d1", "d2::g"), command.dirs);
    assertEquals(Path.of("o"), command.out);
    assertEquals("-", command.stdin);
    assertEquals("add", command.function);
    assertEquals("math", command.target);
    assertEquals(List.of("2", "40"), command.args);
  }

  @Test
  void unsetOptionsTakeTheirDefaults() {
    RunCommand command = new RunCommand();
    var commandLine = new CommandLine(RunSpec.of(command));
    commandLine.registerConverter(Duration.class, new DurationArgument());
    commandLine.parseArgs("--spread", "3", "fib.wasi");
    RunSpec.bind(command.spec, command);
    assertEquals(3, command.where.spread);
    assertNull(command.where.peer);
    assertEquals(22341, command.client.port);
    assertEquals(Duration.ofSeconds(3), command.client.timeout);
    assertEquals(List.of(), command.client.interfaces);
    assertFalse(command.client.verbose || command.json || command.force);
    assertEquals(List.of(), command.args);
    assertEquals(Map.of(), command.env);
    assertEquals(List.of(), command.dirs);
    assertNull(command.function);
    assertNull(command.out);
  }

  @Test
  void runBuildsNoAnnotatedCommand() {
    // the point of building it in code: no annotation is read for `run` or the top command
    var commandLine = Main.commandLine("run", "--peer", "p", "math");
    assertEquals(RunCommand.class, commandLine.getSubcommands().get("run").getCommand().getClass());
    assertEquals(
        Main.class, commandLine.getCommandSpec().userObject().getClass(), "the top command");
  }

  @Test
  void peerAndAnyExcludeEachOtherAsBefore() {
    CliRun run = CliRun.of("run", "--peer", "a", "--any", "math");
    assertEquals(2, run.status());
    assertTrue(run.err().startsWith("Error: --peer=PEER, --any are mutually exclusive"), run.err());
  }
}
