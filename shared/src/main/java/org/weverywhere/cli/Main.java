package org.weverywhere.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code weverywhere} command line: entry point of the CLI jar. */
public final class Main implements Runnable {
  private final CommandSpec spec = spec(this);

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command; see 'weverywhere --help'");
  }

  /**
   * The top command, built in code: picocli reads an annotated command through annotation proxies
   * that the JVM generates at every start, so the command line that {@code run} and {@code
   * --version} need is built without annotations (docs/PERFORMANCE.md, "Fourth round").
   */
  private static CommandSpec spec(Main main) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(main);
    spec.name("weverywhere").versionProvider(new Version());
    // no subcommands here: picocli would build every one of them at start (see SUBCOMMANDS)
    spec.usageMessage()
        .description("Run WASI programs everywhere on a network.")
        .footerHeading("%nExamples:%n")
        .footer(
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
            "  2  bad usage: unknown command or option, missing argument");
    HelpOptions.addTo(spec);
    return spec;
  }

  /**
   * The subcommands' names and aliases, in the order {@code --help} lists them. picocli reads a
   * command's annotations, options and help text by reflection when it builds it, which for all of
   * them cost most of a command's start (docs/PERFORMANCE.md, "Third round"): a command line builds
   * only the one it runs. {@link #subcommand} gives each one's class (a test checks both agree).
   */
  static final List<String> SUBCOMMANDS =
      List.of(
          "inspect",
          "sign",
          "peers",
          "discover",
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
          "ctl",
          "events",
          "conformance",
          "bench",
          "help");

  /**
   * The class of the subcommand named {@code name}, or null. A switch, not a map of class literals:
   * only the class asked for is loaded (classes the AOT cache lacks are read from the jar).
   */
  static Class<?> subcommand(String name) {
    return switch (name) {
      case "inspect" -> InspectCommand.class;
      case "sign" -> SignCommand.class;
      case "peers", "discover" -> PeersCommand.class;
      case "libraries" -> LibrariesCommand.class;
      case "describe" -> DescribeCommand.class;
      case "fetch" -> FetchCommand.class;
      case "run" -> RunCommand.class;
      case "services" -> ServicesCommand.class;
      case "call" -> CallCommand.class;
      case "top" -> TopCommand.class;
      case "keygen" -> KeygenCommand.class;
      case "groups" -> GroupsCommand.class;
      case "config" -> ConfigCommand.class;
      case "ctl" -> CtlCommand.class;
      case "events" -> EventsCommand.class;
      case "conformance" -> ConformanceCommand.class;
      case "bench" -> BenchCommand.class;
      case "help" -> HelpCommand.class;
      default -> null;
    };
  }

  /**
   * What picocli builds the subcommand of class {@code type} from: {@code run}'s spec, built in
   * code ({@link RunSpec}), or the annotated class.
   */
  static Object command(Class<?> type) {
    return type == RunCommand.class ? RunSpec.of(new RunCommand()) : type;
  }

  /** The configured command line with every subcommand, for help and the tests. */
  public static CommandLine commandLine() {
    Set<Class<?>> all = new LinkedHashSet<>();
    SUBCOMMANDS.forEach(name -> all.add(subcommand(name)));
    return configured(all);
  }

  /**
   * The command line {@code args} need: only the subcommand they name when the first of them is one
   * (its help, errors and suggestions are then the same as with all of them), none for {@code
   * --version}, every one otherwise ({@code --help}, {@code help run}, a mistyped or missing
   * command, an {@code @file} of arguments).
   */
  public static CommandLine commandLine(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return configured(List.of());
    }
    Class<?> named = args.length > 0 && !args[0].equals("help") ? subcommand(args[0]) : null;
    if (named != null) {
      return configured(List.of(named));
    }
    return commandLine();
  }

  private static CommandLine configured(Collection<Class<?>> subcommands) {
    CommandLine commandLine = new CommandLine(new Main().spec);
    for (Class<?> subcommand : subcommands) {
      commandLine.addSubcommand(command(subcommand));
    }
    commandLine.setExecutionExceptionHandler(new FailureReporter());
    // after the subcommands are added, so that it reaches every one of them
    commandLine.registerConverter(Duration.class, new DurationArgument());
    return commandLine;
  }

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }
}
