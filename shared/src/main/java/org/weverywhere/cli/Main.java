package org.weverywhere.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code weverywhere} command line: entry point of the CLI jar. */
@Command(
    name = "weverywhere",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Run WASI programs everywhere on a network.",
    subcommands = {
      InspectCommand.class,
      SignCommand.class,
      PeersCommand.class,
      LibrariesCommand.class,
      DescribeCommand.class,
      FetchCommand.class,
      RunCommand.class,
      ServicesCommand.class,
      CallCommand.class,
      TopCommand.class,
      KeygenCommand.class,
      GroupsCommand.class,
      ConfigCommand.class,
      CtlCommand.class,
      EventsCommand.class,
      ConformanceCommand.class,
      BenchCommand.class,
      HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere inspect target/example-programs",
      "  weverywhere inspect --json hello.wasi",
      "  weverywhere keygen --name alice --out ~/.config/weverywhere",
      "  weverywhere sign hello.wasi --key ~/.config/weverywhere/keys/alice.key.pem",
      "  weverywhere peers --timeout 2s",
      "  weverywhere describe test-daemon",
      "  weverywhere run --peer test-daemon math --function add 2 40",
      "  weverywhere config extract --to /tmp/we-etc",
      "",
      "Exit status:",
      "  0  success",
      "  1  failure: a bad file, module, key, peer or configuration (reason on stderr)",
      "  N  run: the guest's own exit status, when it ran to the end",
      "  2  bad usage: unknown command or option, missing argument"
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command; see 'weverywhere --help'");
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(new FailureReporter());
    // after construction, so that it reaches every subcommand the annotations added
    commandLine.registerConverter(Duration.class, new DurationArgument());
    return commandLine;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
