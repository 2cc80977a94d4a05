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
import org.weverywhere.net.FanOut;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.Export;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code weverywhere run}: runs a local module or a daemon's library on a daemon, as a WASI command
 * or as one typed function call, and exits as the guest did.
 */
final class RunCommand implements Callable<Integer> {
  // the spec RunSpec.of built for this command (it holds the options' help texts); the fields below
  // get their values from it when the command runs
  CommandSpec spec;

  ClientOptions client;

  static final class Where {
    String peer;
    boolean any;
    boolean all;
    Integer spread;
  }

  Where where = new Where();

  String target;

  List<String> args = new ArrayList<>();

  String function;

  Map<String, String> env = new LinkedHashMap<>();

  String stdin;

  List<String> dirs = new ArrayList<>();

  Path out;

  boolean force;

  boolean json;

  /** Signatures of library functions from earlier describes, so that a call need not describe. */
  FunctionCache functions = FunctionCache.ofUser();

  @Override
  public Integer call() {
    RunSpec.bind(spec, this);
    client.validate();
    Optional<Path> module = localModule();
    byte[] moduleBytes = module.map(RunCommand::read).orElse(null);
    Message.Invocation invocation;
    // a call typed from the signature this user's earlier describe of the daemon gave: null if not
    Message.Call remembered = null;
    DiscoveredPeer peer;
    Peers peers = new Peers(client, spec.commandLine().getErr());
    if (where.all || where.spread != null) {
      return fanOut(peers, module, moduleBytes);
    }
    if (function != null) {
      if (stdin != null || !env.isEmpty() || !dirs.isEmpty() || out != null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--stdin, --env, --dir and --out are for command runs, not --function calls");
      }
      if (module.isPresent()) {
        // checked before discovery: a wrong argument should cost nothing on the network
        FunctionSignature signature = localSignature(module.get());
        invocation = new Message.Call(function, signature.arguments(args));
        peer = choose(peers, false);
      } else {
        peer = choose(peers, true);
        remembered = rememberedCall(peer);
        invocation =
            remembered != null
                ? remembered
                : new Message.Call(function, librarySignature(peer).arguments(args));
      }
    } else {
      // argv starts with the program's name, as a shell would pass it
      List<String> argv = new ArrayList<>();
      argv.add(module.map(m -> m.getFileName().toString()).orElse(target));
      argv.addAll(args);
      invocation = new Message.Command(argv, env, readStdin(), readDirs());
      peer = choose(peers, module.isEmpty());
    }
    Message.Target what =
        moduleBytes != null
            ? new Message.ModuleTarget(moduleBytes)
            : new Message.LibraryTarget(target);
    Message reply;
    try {
      reply = send(peer, what, invocation);
    } catch (ProtocolException refused) {
      if (remembered == null || refused.reason() != ProtocolException.Reason.REFUSED) {
        throw refused;
      }
      // typed from a remembered signature and refused: the library may have changed since, and
      // only the daemon's description tells (a refused call did not run and took no request key)
      Message.Call described = new Message.Call(function, librarySignature(peer).arguments(args));
      if (described.equals(remembered)) {
        throw refused;
      }
      client.say("the library's signature changed since it was remembered; calling again");
      reply = send(peer, what, described);
    }
    if (!(reply instanceof Message.Result result)) {
      throw new CommandException(
          ErrorCode.PROTOCOL_REFUSED, peer.label() + " answered execute with " + reply.type());
    }
    // written before the exit status is reported: a failed run may still have left files
    writeTrees(result, out);
    return report(peer, result);
  }

  /**
   * Sends {@code invocation} of {@code what} to {@code peer}, keyed once: a retry, over either
   * transport, never runs it twice (PROTOCOL.md §4b).
   */
  private Message send(DiscoveredPeer peer, Message.Target what, Message.Invocation invocation) {
    Message execute = RequestKey.keyed(new Message.Execute(what, invocation));
    return what instanceof Message.LibraryTarget && invocation instanceof Message.Call
        ? smallCall(peer, execute)
        : viaHttp(peer, execute);
  }

  /**
   * The call typed by the signature remembered from an earlier describe of {@code peer} ({@link
   * FunctionCache}), so that no describe precedes it; null when none is remembered or the words do
   * not fit it (the library may have changed: a describe then decides).
   */
  private Message.Call rememberedCall(DiscoveredPeer peer) {
    Optional<CallSignature> known = functions.find(peer.node(), target, function);
    if (known.isEmpty()) {
      return null;
    }
    try {
      Message.Call call =
          new Message.Call(function, new FunctionSignature(function, known.get()).arguments(args));
      client.say("typed by the signature remembered in " + functions.file() + "; no describe");
      return call;
    } catch (WeverywhereException doesNotFit) {
      client.say("the arguments do not fit the remembered signature; describing " + peer.label());
      return null;
    }
  }

  /**
   * A function call of a library: request and result are a few values, so UDP carries them and the
   * run needs no HTTP client at all (a third of the CLI's start-up classes, docs/PERFORMANCE.md).
   * When the request does not fit a datagram, or no answer comes (a result beyond the
   * no-amplification rule is not sent), the same keyed request goes over HTTP: a daemon that ran it
   * answers from the result it kept.
   */
  private Message smallCall(DiscoveredPeer peer, Message execute) {
    client.say("running " + target + " on " + peer.label() + " via udp " + peer.udp());
    try {
      return client.udp().request(peer.udp(), peer.node(), execute, client.timeout()).message();
    } catch (ProtocolException e) {
      if (e.reason() != ProtocolException.Reason.OVERSIZED
          && e.reason() != ProtocolException.Reason.NO_ANSWER) {
        throw e;
      }
      client.say("over UDP: " + e.getMessage() + "; asking over HTTP");
      return viaHttp(peer, execute);
    }
  }

  private Message viaHttp(DiscoveredPeer peer, Message execute) {
    client.say("running " + target + " on " + peer.label() + " via " + peer.http());
    return client.bulk().request(peer.http(), peer.node(), execute).message();
  }

  /** Largest total of directory bytes one request sends: half of what one HTTP message carries. */
  static long maxDirBytes() {
    return org.weverywhere.net.DirArgument.MAX_BYTES;
  }

  /** {@code --dir LOCAL[::GUEST]}, read and checked before anything goes on the network. */
  private List<org.weverywhere.files.Preopen> readDirs() {
    List<org.weverywhere.net.DirArgument> parsed = new ArrayList<>();
    for (String dir : dirs) {
      try {
        parsed.add(org.weverywhere.net.DirArgument.parse(dir));
      } catch (IllegalArgumentException bad) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--dir " + dir + ": " + bad.getMessage());
      }
    }
    return org.weverywhere.net.DirArgument.readAll(parsed);
  }

  /** {@code --out}: each changed tree under its guest path ({@code /} is DIR itself). */
  private void writeTrees(Message.Result result, Path out) {
    if (out == null || result.trees().isEmpty()) {
      return;
    }
    List<Path> written = org.weverywhere.files.LocalTrees.writeAll(result.trees(), out, force);
    for (int i = 0; i < written.size(); i++) {
      var tree = result.trees().get(i);
      client.say(
          "wrote "
              + tree.guestPath()
              + " ("
              + tree.tree().entries().size()
              + " entries) to "
              + written.get(i));
    }
  }

  private int report(DiscoveredPeer peer, Message.Result result) {
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
      doc.put(
          "values",
          result.values().stream()
              .map(v -> Map.of("type", v.type(), "value", FunctionSignature.show(v)))
              .toList());
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
      throw new CommandException(
          ErrorCode.WASM_RUN_FAILED,
          target + " on " + peer.label() + " did not complete: " + result.outcome());
    }
    return function != null ? ExitStatus.OK : result.exit();
  }

  /**
   * --all or --spread: the same execute sent to many daemons at once (FanOut), each result printed
   * as it comes (FanOutReport). For --spread the daemons are ranked by the free capacity they
   * describe (Capacity).
   */
  private int fanOut(Peers peers, Optional<Path> module, byte[] moduleBytes) {
    if (where.spread != null && (where.spread < 1 || where.spread > MAX_SPREAD)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid value for option '--spread': " + where.spread + " is not 1.." + MAX_SPREAD);
    }
    if (function != null && (stdin != null || !env.isEmpty() || !dirs.isEmpty() || out != null)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--stdin, --env, --dir and --out are for command runs, not --function calls");
    }
    // checked before the network is asked anything: a wrong argument should cost nothing
    FunctionSignature local =
        function != null && module.isPresent() ? localSignature(module.get()) : null;
    List<DiscoveredPeer> found = peers.all();
    List<DiscoveredPeer> able =
        module.isPresent()
            ? found
            : found.stream().filter(p -> p.libraries().contains(target)).toList();
    if (able.isEmpty()) {
      throw new CommandException(
          ErrorCode.STORE_NOT_FOUND,
          "none of the "
              + found.size()
              + " daemons that answered offers a library '"
              + target
              + "'");
    }
    Message.Invocation invocation;
    if (function != null) {
      FunctionSignature signature = local != null ? local : librarySignature(able.getFirst());
      invocation = new Message.Call(function, signature.arguments(args));
    } else {
      List<String> argv = new ArrayList<>();
      argv.add(module.map(m -> m.getFileName().toString()).orElse(target));
      argv.addAll(args);
      // every daemon gets the same trees; --out keeps each one's changes apart (DIR/<daemon>)
      invocation = new Message.Command(argv, env, readStdin(), readDirs());
    }
    Message.Target what =
        moduleBytes != null
            ? new Message.ModuleTarget(moduleBytes)
            : new Message.LibraryTarget(target);
    Message.Execute execute = new Message.Execute(what, invocation);
    List<DiscoveredPeer> order =
        where.all ? able : Capacity.rank(able, client).stream().map(Capacity::peer).toList();
    int wanted = where.all ? able.size() : where.spread;
    client.say(
        "running "
            + target
            + " on "
            + Math.min(wanted, order.size())
            + " of "
            + order.size()
            + " daemons: "
            + String.join(", ", order.stream().limit(wanted).map(DiscoveredPeer::label).toList()));
    var report =
        new FanOutReport(spec.commandLine().getOut(), spec.commandLine().getErr(), json, target);
    var bulk = client.bulk();
    FanOut.Summary<DiscoveredPeer> summary =
        new FanOut<DiscoveredPeer>(
                FAN_OUT_IN_FLIGHT, client.timeout().plusMinutes(5).plus(client.timeout()))
            .run(
                order,
                wanted,
                peer -> {
                  Message reply = bulk.request(peer.http(), peer.node(), execute).message();
                  if (!(reply instanceof Message.Result result)) {
                    throw new CommandException(
                        ErrorCode.PROTOCOL_REFUSED,
                        peer.label() + " answered execute with " + reply.type());
                  }
                  writeTrees(result, out == null ? null : out.resolve(directoryName(peer)));
                  return result;
                },
                result ->
                    result.outcome().equals("completed")
                        && (function != null || result.exit() == 0),
                report::attempt);
    return report.summary(summary);
  }

  /**
   * Where a fan-out writes one daemon's changed trees under {@code --out}: its announced name (at
   * most 48 characters, anything but letters, digits, dot and dash replaced) and its short node id.
   * The name comes from the network, so the id suffix keeps it from ever being {@code ..} or empty.
   */
  static String directoryName(DiscoveredPeer peer) {
    String name = peer.name().substring(0, Math.min(48, peer.name().length()));
    // base64 has '/' and '+' too
    return (name + "-" + peer.node().shortForm()).replaceAll("[^A-Za-z0-9.-]", "_");
  }

  /** Requests outstanding at once in a fan-out; more daemons wait for one to end. */
  private static final int FAN_OUT_IN_FLIGHT = 64;

  private static final int MAX_SPREAD = 10_000;

  /**
   * A file when it exists; a name that looks like a file but is missing is an error, not a library.
   */
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
        throw new WeverywhereException(
            ErrorCode.IO_UNREADABLE,
            path + ": " + size + " bytes is more than one request carries");
      }
      return Files.readAllBytes(path);
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, path + ": cannot read: " + failed.getMessage(), failed);
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
        throw new WeverywhereException(
            ErrorCode.IO_UNREADABLE,
            (stdin.equals("-") ? "stdin" : stdin) + ": more than " + limit + " bytes of input");
      }
      return bytes;
    } catch (NoSuchFileException missing) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, stdin + ": no such file", missing);
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, stdin + ": cannot read: " + failed.getMessage(), failed);
    }
  }

  private FunctionSignature localSignature(Path path) {
    ModuleInfo info;
    try {
      info = new ModuleParser().parse(path);
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, path + ": cannot read: " + failed.getMessage(), failed);
    }
    Optional<CallSignature> signature = CallSignature.of(info, function);
    if (signature.isEmpty()) {
      throw new CommandException(
          ErrorCode.WASM_NO_FUNCTION,
          path
              + " exports no function '"
              + function
              + "'; it exports: "
              + String.join(
                  ", ",
                  info.exports().stream()
                      .filter(e -> e.type() instanceof ExternType.Function)
                      .map(Export::name)
                      .toList()));
    }
    return new FunctionSignature(function, signature.get());
  }

  private FunctionSignature librarySignature(DiscoveredPeer peer) {
    Message.Description description = peer.describe(client, List.of("libraries"));
    Message.Library library =
        description.libraries().stream()
            .filter(
                l -> l.name().equals(target) || HexFormat.of().formatHex(l.sha256()).equals(target))
            .findFirst()
            .orElseThrow(
                () ->
                    new CommandException(
                        ErrorCode.STORE_NOT_FOUND,
                        peer.label() + " offers no library '" + target + "'"));
    List<FunctionSignature> functions = signatures(library);
    FunctionSignature found =
        functions.stream()
            .filter(f -> f.name().equals(function))
            .findFirst()
            .orElseThrow(
                () ->
                    new CommandException(
                        ErrorCode.WASM_NO_FUNCTION,
                        "library "
                            + library.name()
                            + " on "
                            + peer.label()
                            + " exports no function '"
                            + function
                            + "'; it exports: "
                            + String.join(
                                ", ", functions.stream().map(FunctionSignature::name).toList())));
    if (!this.functions.remember(peer.node(), target, function, found.type())) {
      client.say("could not remember the signature in " + this.functions.file());
    }
    return found;
  }

  /**
   * A described library's functions: the typed form when the daemon sends it (feature
   * typed-exports, docs/PROTOCOL.md §4), else parsed from the text form of older daemons.
   */
  static List<FunctionSignature> signatures(Message.Library library) {
    return library.functions().isEmpty()
        ? library.exports().stream().flatMap(e -> FunctionSignature.parse(e).stream()).toList()
        : library.functions().stream()
            .map(f -> new FunctionSignature(f.name(), new CallSignature(f.params(), f.results())))
            .toList();
  }

  /**
   * The daemon named by --peer, else the first to answer (that offers the library, for a library).
   */
  private DiscoveredPeer choose(Peers peers, boolean needsLibrary) {
    if (where.peer != null) {
      return peers.resolve(where.peer);
    }
    // for a module any daemon will do, so the first answer ends the wait
    List<DiscoveredPeer> found = needsLibrary ? peers.all() : peers.discover(1, p -> {});
    return found.stream()
        .filter(p -> !needsLibrary || p.libraries().contains(target))
        .findFirst()
        .orElseThrow(
            () ->
                new CommandException(
                    ErrorCode.STORE_NOT_FOUND,
                    "none of the "
                        + found.size()
                        + " daemons that answered offers a library '"
                        + target
                        + "'"));
  }
}
