package org.weverywhere.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.net.FanOut;
import org.weverywhere.protocol.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere call}: calls one function of a service a daemon runs, with the arguments
 * checked against the function's signature before the call is sent.
 */
@Command(
    name = "call",
    description = {
      "Call a function of a service on a daemon. The service's instances keep their state between calls.",
      "ARGS are parsed as the function's parameter types (as describe lists them) before anything is sent; the results are printed one per line."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere call test-daemon kv put 1 100",
      "  weverywhere call test-daemon kv get 1 -1",
      "  weverywhere call --json 127.0.0.1 math add 2 40",
      "  weverywhere call '*' kv count",
      "  weverywhere call --spread 2 '*' math add 2 40",
      "",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port].",
      "PEER * calls every daemon that runs the service at once (--spread N: N of them, most free capacity first), printing one block per daemon as each answers (--json: one object per line) and a summary; the exit status is 0 only when the call completed on every daemon wanted. A daemon that refuses or stops answering gives its place to another not yet asked; none is asked twice.",
      "Put -- before ARGS that start with a dash."
    })
final class CallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "PEER", description = "The daemon that runs the service.")
  String peer;

  @Parameters(index = "1", paramLabel = "SERVICE", description = "The service's name.")
  String service;

  @Parameters(index = "2", paramLabel = "FUNCTION", description = "The function to call.")
  String function;

  @Parameters(index = "3..*", paramLabel = "ARGS", description = "The function's arguments.")
  List<String> args = new ArrayList<>();

  @Option(
      names = "--json",
      description = "Print the outcome, results and CPU time as one JSON object.")
  boolean json;

  @Option(
      names = "--spread",
      paramLabel = "N",
      description = "With PEER *: call N of the daemons that run the service.")
  Integer spread;

  /** The PEER that means every daemon running the service. */
  static final String EVERY = "*";

  @Override
  public Integer call() {
    client.validate();
    if (peer.equals(EVERY)) {
      return fanOut();
    }
    if (spread != null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--spread needs PEER " + EVERY);
    }
    DiscoveredPeer found = new Peers(client, spec.commandLine().getErr()).resolve(peer);
    Message.Service offered =
        found.describe(client, List.of("services")).services().stream()
            .filter(s -> s.name().equals(service))
            .findFirst()
            .orElseThrow(
                () ->
                    new CommandException(
                        ErrorCode.SERVICE_UNKNOWN,
                        found.label() + " runs no service '" + service + "'"));
    List<FunctionSignature> functions =
        offered.functions().stream().flatMap(f -> FunctionSignature.parse(f).stream()).toList();
    FunctionSignature signature =
        functions.stream()
            .filter(f -> f.name().equals(function))
            .findFirst()
            .orElseThrow(
                () ->
                    new CommandException(
                        ErrorCode.SERVICE_NOT_CALLABLE,
                        "service "
                            + service
                            + " on "
                            + found.label()
                            + " offers no function '"
                            + function
                            + "'; callable: "
                            + String.join(
                                ", ", functions.stream().map(FunctionSignature::name).toList())));
    var request = new Message.ServiceCall(service, function, signature.arguments(args));
    client.say(
        "calling " + service + "." + function + " on " + found.label() + " via " + found.http());
    Message reply = client.bulk().request(found.http(), found.node(), request).message();
    if (!(reply instanceof Message.Result result)) {
      throw new CommandException(
          ErrorCode.PROTOCOL_REFUSED, found.label() + " answered call with " + reply.type());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("peer", found.name());
      doc.put("node", found.node().toString());
      doc.put("service", service);
      doc.put("function", function);
      doc.put("outcome", result.outcome());
      doc.put(
          "values",
          result.values().stream()
              .map(v -> Map.of("type", v.type(), "value", FunctionSignature.show(v)))
              .toList());
      doc.put("stderr", new String(result.stderr(), StandardCharsets.UTF_8));
      doc.put("cpuNanos", result.cpuNanos());
      doc.put("wallNanos", result.wallNanos());
      doc.put("peakMemoryBytes", result.peakMemoryBytes());
      out.println(Json.document(doc));
    } else {
      result.values().forEach(v -> out.println(FunctionSignature.show(v)));
    }
    out.flush();
    if (!result.outcome().equals("completed")) {
      String detail = new String(result.stderr(), StandardCharsets.UTF_8).strip();
      throw new CommandException(
          ErrorCode.WASM_RUN_FAILED,
          service
              + "."
              + function
              + " on "
              + found.label()
              + " did not complete: "
              + result.outcome()
              + (detail.isEmpty()
                  ? ""
                  : " (" + detail.lines().reduce((a, b) -> b).orElse("") + ")"));
    }
    return ExitStatus.OK;
  }

  /**
   * PEER *: the call sent to every daemon that runs the service (or --spread N of them, ranked by
   * the capacity they describe), as run --all and --spread do.
   */
  private int fanOut() {
    if (spread != null && (spread < 1 || spread > 10_000)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid value for option '--spread': " + spread + " is not 1..10000");
    }
    List<DiscoveredPeer> found = new Peers(client, spec.commandLine().getErr()).all();
    Map<DiscoveredPeer, Message.Service> running = running(found);
    if (running.isEmpty()) {
      throw new CommandException(
          ErrorCode.SERVICE_UNKNOWN,
          "none of the "
              + found.size()
              + " daemons that answered runs a service '"
              + service
              + "'");
    }
    List<DiscoveredPeer> able = List.copyOf(running.keySet());
    Message.Service first = running.get(able.getFirst());
    List<FunctionSignature> functions =
        first.functions().stream().flatMap(f -> FunctionSignature.parse(f).stream()).toList();
    FunctionSignature signature =
        functions.stream()
            .filter(f -> f.name().equals(function))
            .findFirst()
            .orElseThrow(
                () ->
                    new CommandException(
                        ErrorCode.SERVICE_NOT_CALLABLE,
                        "service "
                            + service
                            + " on "
                            + able.getFirst().label()
                            + " offers no function '"
                            + function
                            + "'; callable: "
                            + String.join(
                                ", ", functions.stream().map(FunctionSignature::name).toList())));
    var request = new Message.ServiceCall(service, function, signature.arguments(args));
    List<DiscoveredPeer> order =
        spread == null ? able : Capacity.rank(able, client).stream().map(Capacity::peer).toList();
    int wanted = spread == null ? able.size() : spread;
    var report =
        new FanOutReport(
            spec.commandLine().getOut(),
            spec.commandLine().getErr(),
            json,
            service + "." + function);
    var bulk = client.bulk();
    FanOut.Summary<DiscoveredPeer> summary =
        new FanOut<DiscoveredPeer>(64, client.timeout().plusMinutes(5).plus(client.timeout()))
            .run(
                order,
                wanted,
                target -> {
                  Message reply = bulk.request(target.http(), target.node(), request).message();
                  if (!(reply instanceof Message.Result result)) {
                    throw new CommandException(
                        ErrorCode.PROTOCOL_REFUSED,
                        target.label() + " answered call with " + reply.type());
                  }
                  return result;
                },
                result -> result.outcome().equals("completed"),
                report::attempt);
    return report.summary(summary);
  }

  /** The daemons among {@code found} whose description lists the service running, asked at once. */
  private Map<DiscoveredPeer, Message.Service> running(List<DiscoveredPeer> found) {
    Map<DiscoveredPeer, Message.Service> running = new LinkedHashMap<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      Map<DiscoveredPeer, java.util.concurrent.Future<java.util.Optional<Message.Service>>> asked =
          new LinkedHashMap<>();
      for (DiscoveredPeer p : found) {
        asked.put(
            p,
            threads.submit(
                () -> {
                  try {
                    return p.describe(client, List.of("services")).services().stream()
                        .filter(s -> s.name().equals(service) && s.state().equals("running"))
                        .findFirst();
                  } catch (org.weverywhere.WeverywhereException silent) {
                    client.say(
                        p.label() + " did not describe its services: " + silent.getMessage());
                    return java.util.Optional.<Message.Service>empty();
                  }
                }));
      }
      for (var entry : asked.entrySet()) {
        entry.getValue().get().ifPresent(s -> running.put(entry.getKey(), s));
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new CommandException(
          ErrorCode.PROTOCOL_NO_ANSWER, "interrupted while asking for services");
    } catch (java.util.concurrent.ExecutionException impossible) {
      throw new IllegalStateException("each description failure is caught above", impossible);
    }
    return running;
  }
}
