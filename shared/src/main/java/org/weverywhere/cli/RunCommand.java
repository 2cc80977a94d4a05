package org.weverywhere.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.Export;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere run}: runs a local module or a daemon's library on a daemon, as a WASI command
 * or as one typed function call, and exits as the guest did.
 */
@Command(
    name = "run",
    description = {
      "Run a module on a daemon: a local .wasm/.wasi file is sent with the request, any other name is a library the daemon has.",
      "Without --function it runs as a WASI command with ARGS, --env and --stdin, prints the guest's stdout and stderr, and exits with its exit status.",
      "With --function it calls that export with ARGS parsed as its parameter types (checked before anything is sent) and prints the results, one per line."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere run --peer test-daemon math --function add 2 40",
      "  weverywhere run --any hello.wasi -- --name world",
      "  echo hi | weverywhere run --peer 127.0.0.1 cat.wasi --stdin -",
      "",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port].",
      "Without --peer the first daemon to answer runs it (for a library: the first that offers it), as with --any.",
      "Put -- before ARGS that start with a dash."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  static final class Where {
    @Option(names = "--peer", paramLabel = "PEER", description = "The daemon to run on.")
    String peer;

    @Option(names = "--any", description = "Any daemon that answers (that offers the library).")
    boolean any;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Where where = new Where();

  @Parameters(index = "0", paramLabel = "MODULE|LIBRARY", description = "A .wasm/.wasi file, or a library's name.")
  String target;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Program arguments, or the function's arguments.")
  List<String> args = new ArrayList<>();

  @Option(names = "--function", paramLabel = "NAME", description = "Call this exported function instead of running _start.")
  String function;

  @Option(names = "--env", paramLabel = "K=V", description = "An environment variable for a command run (repeatable).")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--stdin", paramLabel = "FILE", description = "Standard input for a command run: a file, or - for this process's stdin (default: empty).")
  String stdin;

  @Option(names = "--json", description = "Print the outcome, exit status, output and results as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    client.validate();
    Optional<Path> module = localModule();
    byte[] moduleBytes = module.map(RunCommand::read).orElse(null);
    Message.Invocation invocation;
    Peer peer;
    Peers peers = new Peers(client, spec.commandLine().getErr());
    if (function != null) {
      if (stdin != null || !env.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--stdin and --env are for command runs, not --function calls");
      }
      if (module.isPresent()) {
        // checked before discovery: a wrong argument should cost nothing on the network
        FunctionSignature signature = localSignature(module.get());
        invocation = new Message.Call(function, signature.arguments(args));
        peer = choose(peers, false);
      } else {
        peer = choose(peers, true);
        FunctionSignature signature = librarySignature(peer);
        invocation = new Message.Call(function, signature.arguments(args));
      }
    } else {
      // argv starts with the program's name, as a shell would pass it
      List<String> argv = new ArrayList<>();
      argv.add(module.map(m -> m.getFileName().toString()).orElse(target));
      argv.addAll(args);
      invocation = new Message.Command(argv, env, readStdin());
      peer = choose(peers, module.isEmpty());
    }
    Message.Target what = moduleBytes != null ? new Message.ModuleTarget(moduleBytes) : new Message.LibraryTarget(target);
    client.say("running " + target + " on " + peer.label() + " via " + peer.http());
    Message reply = client.bulk().request(peer.http(), peer.node(), new Message.Execute(what, invocation)).message();
    if (!(reply instanceof Message.Result result)) {
      throw new CommandException(ErrorCode.PROTOCOL_REFUSED, peer.label() + " answered execute with " + reply.type());
    }
    return report(peer, result);
  }

  private int report(Peer peer, Message.Result result) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean completed = result.outcome().equals("completed");
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("peer", peer.name());
      doc.put("node", peer.node().toString());
      doc.put("outcome", result.outcome());
      doc.put("exit", result.exit());
      doc.put("stdout", new String(result.stdout(), StandardCharsets.UTF_8));
      doc.put("stderr", new String(result.stderr(), StandardCharsets.UTF_8));
      doc.put("values", result.values().stream()
          .map(v -> Map.of("type", v.type(), "value", FunctionSignature.show(v))).toList());
      doc.put("cpuNanos", result.cpuNanos());
      doc.put("wallNanos", result.wallNanos());
      doc.put("peakMemoryBytes", result.peakMemoryBytes());
      out.println(Json.document(doc));
      out.flush();
    } else {
      // the guest's bytes as text: a WASI program's output is UTF-8 by convention
      out.print(new String(result.stdout(), StandardCharsets.UTF_8));
      err.print(new String(result.stderr(), StandardCharsets.UTF_8));
      result.values().forEach(v -> out.println(FunctionSignature.show(v)));
      out.flush();
      err.flush();
    }
    if (!completed) {
      throw new CommandException(ErrorCode.WASM_RUN_FAILED, target + " on " + peer.label() + " did not complete: "
          + result.outcome());
    }
    return function != null ? ExitStatus.OK : result.exit();
  }

  /** A file when it exists; a name that looks like a file but is missing is an error, not a library. */
  private Optional<Path> localModule() {
    Path path = Path.of(target);
    if (Files.isRegularFile(path)) {
      return Optional.of(path);
    }
    if (target.endsWith(".wasm") || target.endsWith(".wasi") || target.contains("/")) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, target + ": no such file");
    }
    return Optional.empty();
  }

  private static byte[] read(Path path) {
    try {
      long size = Files.size(path);
      if (size > WireLimits.HTTP.maxMessageBytes() - 64 * 1024) {
        throw new WeverywhereException(ErrorCode.IO_UNREADABLE, path + ": " + size
            + " bytes is more than one request carries");
      }
      return Files.readAllBytes(path);
    } catch (IOException failed) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, path + ": cannot read: " + failed.getMessage(), failed);
    }
  }

  private byte[] readStdin() {
    if (stdin == null) {
      return new byte[0];
    }
    int limit = WireLimits.HTTP.maxMessageBytes() / 2;
    try (InputStream in = stdin.equals("-") ? System.in : Files.newInputStream(Path.of(stdin))) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new WeverywhereException(ErrorCode.IO_UNREADABLE, (stdin.equals("-") ? "stdin" : stdin)
            + ": more than " + limit + " bytes of input");
      }
      return bytes;
    } catch (NoSuchFileException missing) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, stdin + ": no such file", missing);
    } catch (IOException failed) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, stdin + ": cannot read: " + failed.getMessage(), failed);
    }
  }

  private FunctionSignature localSignature(Path path) {
    ModuleInfo info;
    try {
      info = new ModuleParser().parse(path);
    } catch (IOException failed) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, path + ": cannot read: " + failed.getMessage(), failed);
    }
    Optional<CallSignature> signature = CallSignature.of(info, function);
    if (signature.isEmpty()) {
      throw new CommandException(ErrorCode.WASM_NO_FUNCTION, path + " exports no function '" + function
          + "'; it exports: " + String.join(", ", info.exports().stream()
              .filter(e -> e.type() instanceof ExternType.Function).map(Export::name).toList()));
    }
    return new FunctionSignature(function, signature.get());
  }

  private FunctionSignature librarySignature(Peer peer) {
    Message.Description description = peer.describe(client, List.of("libraries"));
    Message.Library library = description.libraries().stream()
        .filter(l -> l.name().equals(target) || HexFormat.of().formatHex(l.sha256()).equals(target))
        .findFirst()
        .orElseThrow(() -> new CommandException(ErrorCode.STORE_NOT_FOUND, peer.label() + " offers no library '"
            + target + "'"));
    List<FunctionSignature> functions = signatures(library);
    return functions.stream().filter(f -> f.name().equals(function)).findFirst()
        .orElseThrow(() -> new CommandException(ErrorCode.WASM_NO_FUNCTION, "library " + library.name() + " on "
            + peer.label() + " exports no function '" + function + "'; it exports: "
            + String.join(", ", functions.stream().map(FunctionSignature::name).toList())));
  }

  /**
   * A described library's functions: the typed form when the daemon sends it (feature
   * typed-exports, docs/PROTOCOL.md §4), else parsed from the text form of older daemons.
   */
  static List<FunctionSignature> signatures(Message.Library library) {
    return library.functions().isEmpty()
        ? library.exports().stream().flatMap(e -> FunctionSignature.parse(e).stream()).toList()
        : library.functions().stream()
            .map(f -> new FunctionSignature(f.name(), new CallSignature(f.params(), f.results()))).toList();
  }

  /** The daemon named by --peer, else the first to answer (that offers the library, for a library). */
  private Peer choose(Peers peers, boolean needsLibrary) {
    if (where.peer != null) {
      return peers.resolve(where.peer);
    }
    // for a module any daemon will do, so the first answer ends the wait
    List<Peer> found = needsLibrary ? peers.all() : peers.discover(1, p -> { });
    return found.stream().filter(p -> !needsLibrary || p.libraries().contains(target)).findFirst()
        .orElseThrow(() -> new CommandException(ErrorCode.STORE_NOT_FOUND, "none of the " + found.size()
            + " daemons that answered offers a library '" + target + "'"));
  }
}
