package org.weverywhere.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code run}'s command line, built in code rather than read from annotations. picocli reads an
 * annotated command through annotation proxies and reflection that the JVM generates at every start
 * (an AOT cache cannot keep them), which was the larger part of {@code run}'s start-up
 * (docs/PERFORMANCE.md, "Fourth round"); {@code run} is the command users start most often. The
 * help text is the same, as its approved text checks.
 */
final class RunSpec {
  private RunSpec() {}

  /** The spec of {@code run}, executing {@code command} with the values it parses. */
  static CommandSpec of(RunCommand command) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    command.spec = spec;
    spec.name("run");
    spec.usageMessage()
        .description(
            "Run a module on a daemon: a local .wasm/.wasi file is sent with the request, any other name is a library the daemon has.",
            "Without --function it runs as a WASI command with ARGS, --env and --stdin, prints the guest's stdout and stderr, and exits with its exit status.",
            "With --function it calls that export with ARGS parsed as its parameter types (checked before anything is sent) and prints the results, one per line.")
        .footerHeading("%nExamples:%n")
        .footer(
            "  weverywhere run --peer test-daemon math --function add 2 40",
            "  weverywhere run --any hello.wasi -- --name world",
            "  echo hi | weverywhere run --peer 127.0.0.1 cat.wasi --stdin -",
            "  weverywhere run --all sysinfo --key observer.key.pem",
            "  weverywhere run --spread 3 fib.wasi -- 30",
            "  weverywhere run --any files.wasi --dir ./work::data --out ./result -- upper data",
            "",
            "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port].",
            "Without --peer the first daemon to answer runs it (for a library: the first that offers it), as with --any.",
            "--all and --spread print one block per daemon as each ends (--json: one object per line), then a summary; the exit status is 0 only when it completed (exit 0) on every daemon wanted. A daemon that refuses or stops answering gives its place to another not yet asked; none is asked twice.",
            "Put -- before ARGS that start with a dash.");
    HelpOptions.addTo(spec);
    ClientOptions.addTo(spec);
    spec.addArgGroup(
        ArgGroupSpec.builder()
            .exclusive(true)
            .multiplicity("0..1")
            .addArg(
                OptionSpec.builder("--peer")
                    .paramLabel("PEER")
                    .type(String.class)
                    .description("The daemon to run on.")
                    .build())
            .addArg(
                OptionSpec.builder("--any")
                    .paramLabel("<any>")
                    .type(boolean.class)
                    .description("Any daemon that answers (that offers the library).")
                    .build())
            .addArg(
                OptionSpec.builder("--all")
                    .paramLabel("<all>")
                    .type(boolean.class)
                    .description("Every daemon that answers (that offers the library), at once.")
                    .build())
            .addArg(
                OptionSpec.builder("--spread")
                    .paramLabel("N")
                    .type(Integer.class)
                    .description(
                        "N daemons, those with the most free slots and memory for your group first, then the least load.")
                    .build())
            .build());
    spec.addPositional(
        PositionalParamSpec.builder()
            .index("0")
            .required(true)
            .paramLabel("MODULE|LIBRARY")
            .type(String.class)
            .description("A .wasm/.wasi file, or a library's name.")
            .build());
    spec.addPositional(
        PositionalParamSpec.builder()
            .index("1..*")
            .arity("0..1") // as picocli infers it for an annotated list: one word per position
            .paramLabel("ARGS")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description("Program arguments, or the function's arguments.")
            .build());
    spec.addOption(
        OptionSpec.builder("--function")
            .paramLabel("NAME")
            .type(String.class)
            .description("Call this exported function instead of running _start.")
            .build());
    spec.addOption(
        OptionSpec.builder("--env")
            .paramLabel("K=V")
            .type(Map.class)
            .auxiliaryTypes(String.class, String.class)
            .description("An environment variable for a command run (repeatable).")
            .build());
    spec.addOption(
        OptionSpec.builder("--stdin")
            .paramLabel("FILE")
            .type(String.class)
            .description(
                "Standard input for a command run: a file, or - for this process's stdin (default: empty).")
            .build());
    spec.addOption(
        OptionSpec.builder("--dir")
            .paramLabel("LOCAL[::GUEST]")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description(
                "Send this directory for a command run, seen by the guest at GUEST (default: LOCAL's name; :: / makes it the root); repeatable. It lives in the daemon's memory for this run only.")
            .build());
    spec.addOption(
        OptionSpec.builder("--out")
            .paramLabel("DIR")
            .type(Path.class)
            .description(
                "Write the directories the guest changed here, each under its guest path (with --all or --spread, under DIR/NAME-ID for each daemon); never over an existing file unless --force.")
            .build());
    spec.addOption(
        OptionSpec.builder("--force")
            .paramLabel("<force>")
            .type(boolean.class)
            .description("With --out, replace existing files.")
            .build());
    spec.addOption(
        OptionSpec.builder("--json")
            .paramLabel("<json>")
            .type(boolean.class)
            .description("Print the outcome, exit status, output and results as one JSON object.")
            .build());
    return spec;
  }

  /** Gives {@code command} the values its spec parsed. */
  static void bind(CommandSpec spec, RunCommand command) {
    command.client = ClientOptions.of(spec);
    command.where.peer = spec.findOption("--peer").getValue();
    command.where.any = flag(spec, "--any");
    command.where.all = flag(spec, "--all");
    command.where.spread = spec.findOption("--spread").getValue();
    command.target = spec.positionalParameters().get(0).getValue();
    List<String> args = spec.positionalParameters().get(1).getValue();
    command.args = args == null ? new ArrayList<>() : new ArrayList<>(args);
    command.function = spec.findOption("--function").getValue();
    Map<String, String> env = spec.findOption("--env").getValue();
    command.env = env == null ? new LinkedHashMap<>() : new LinkedHashMap<>(env);
    command.stdin = spec.findOption("--stdin").getValue();
    List<String> dirs = spec.findOption("--dir").getValue();
    command.dirs = dirs == null ? new ArrayList<>() : new ArrayList<>(dirs);
    command.out = spec.findOption("--out").getValue();
    command.force = flag(spec, "--force");
    command.json = flag(spec, "--json");
  }

  private static boolean flag(CommandSpec spec, String name) {
    return Boolean.TRUE.equals(spec.findOption(name).getValue());
  }
}
