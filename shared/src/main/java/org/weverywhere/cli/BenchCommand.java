package org.weverywhere.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.bench.LatencyHistogram;
import org.weverywhere.bench.LoadPlan;
import org.weverywhere.bench.LoadPlan.Transport;
import org.weverywhere.bench.LoadRun;
import org.weverywhere.bench.LoadSessions;
import org.weverywhere.bench.Mix;
import org.weverywhere.bench.Target;
import org.weverywhere.net.ClientSessions;
import org.weverywhere.net.Daemons;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.WireLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere bench}: a load generator for one's own daemons, as {@code wrk} or {@code ghz}
 * are for HTTP and gRPC servers. It sends a mix of signed requests with the CLI's own client code,
 * keeping a number in flight for a duration or a count after a warm-up, and reports answers per
 * second, latency percentiles, and refusals and failures by code.
 */
@Command(
    name = "bench",
    description = {
      "Load daemons with signed requests and measure them: calls per second, latency percentiles (p50, p90, p99, max), refusals by the daemon's code and failures by ours.",
      "Each request is signed afresh (an execute with a request key of its own, so every one runs); latency is from signing the request to verifying its answer. Over UDP a few threads keep the requests in flight on one socket each, and a lost datagram counts as unanswered (WE5024) after --timeout; over HTTP the connections are kept open and reused."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere bench --peer 127.0.0.1",
      "  weverywhere bench --peer 127.0.0.1 -c 32 -d 30s --warmup 5s",
      "  weverywhere bench --peer demo --transport http -n 10000",
      "  weverywhere bench --peer a --peer b --json \\",
      "      --mix execute:math.add:2:40=8,describe=1,discover=1",
      "",
      "MIX is a comma-separated list of ENTRY[=WEIGHT] (weight 1..1000, default 1):",
      "  execute:LIBRARY.FUNCTION[:ARG...]  a function of a library the daemon offers,",
      "                                     its arguments typed as describe lists them",
      "  describe                           the first page of the daemon's description",
      "  discover                           a unicast discover, answered by an announce",
      "Requests follow the weights in a fixed interleaved order, to the peers in turn.",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port]."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(
      names = "--peer",
      paramLabel = "PEER",
      required = true,
      description = "A daemon to load (repeatable: requests go to each in turn).")
  List<String> peers = new ArrayList<>();

  @Option(
      names = {"-t", "--transport"},
      paramLabel = "udp|http",
      defaultValue = "udp",
      description = "How requests travel (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      defaultValue = "8",
      description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "UDP: threads sending and verifying (default: the cores, at most the concurrency).")
  Integer threads;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long to measure after the warm-up (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = {"-n", "--requests"},
      paramLabel = "N",
      description = "Measure exactly N requests instead of a duration.")
  Long requests;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description =
          "Load first for this long without measuring: the JIT and the daemon's caches warm up (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--mix",
      paramLabel = "MIX",
      defaultValue = "execute:math.add:2:40",
      description = "What to send, see below (default: ${DEFAULT-VALUE}).")
  String mix;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(
      names = "--sessions",
      description =
          "Seal requests in a session with each daemon (PROTOCOL.md §5a): one signed handshake before the load, then symmetric messages, as a long-lived client sends them. A daemon that declines is an error.")
  boolean sessions;

  static final int MAX_CONCURRENCY = 10_000;

  @Override
  public Integer call() {
    client.validate();
    LoadPlan.Transport how = transport();
    Mix parsed = Mix.parse(mix);
    checkNumbers();
    int cores = Runtime.getRuntime().availableProcessors();
    int loadThreads =
        how == Transport.HTTP
            ? concurrency
            : threads != null ? threads : Math.max(1, Math.min(concurrency, cores));
    if (loadThreads > concurrency) {
      throw bad("--threads must be at most --concurrency (" + concurrency + "), not " + threads);
    }
    List<DiscoveredPeer> found = new Peers(client, spec.commandLine().getErr()).resolve(peers);
    List<Target> targets = new ArrayList<>();
    for (DiscoveredPeer peer : found) {
      targets.add(target(peer, parsed, how));
    }
    LoadPlan plan =
        new LoadPlan(
            targets,
            parsed,
            how,
            concurrency,
            loadThreads,
            warmup,
            duration,
            requests == null ? 0 : requests,
            client.timeout());
    client.say(
        "loading "
            + String.join(", ", found.stream().map(DiscoveredPeer::label).toList())
            + " over "
            + how.label()
            + ": "
            + concurrency
            + " in flight on "
            + loadThreads
            + " thread(s)");
    // every wait is --timeout: a load run counts what takes longer as unanswered, over HTTP too
    Daemons load =
        client.daemons(new Daemons.Waits(client.timeout(), client.timeout(), client.timeout()));
    LoadSessions sealing = null;
    if (sessions) {
      ClientSessions held = new ClientSessions(client.signer(), Clock.systemUTC());
      load = load.withSessions(held);
      sealing = openSessions(load, held, targets, how);
    }
    LoadRun.Report report =
        new LoadRun(
                client.signer(), ClientOptions.verifier(), load.bulk(), Clock.systemUTC(), sealing)
            .run(plan);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.line(json(report, found, sessions)));
    } else {
      print(out, report, found);
    }
    out.flush();
    return report.tally().ok() > 0 ? ExitStatus.OK : ExitStatus.FAILURE;
  }

  /**
   * Opens a session with every target before the load, over the transport measured, so that the
   * warm-up and the measured requests are sealed; a target that declines stops the run rather than
   * be measured signed.
   */
  private LoadSessions openSessions(
      Daemons load, ClientSessions held, List<Target> targets, Transport how) {
    LoadSessions sealing =
        new LoadSessions(
            client.signer(),
            held,
            target ->
                how == Transport.UDP
                    ? load.udp().openSession(target.udp(), target.node(), client.timeout())
                    : load.bulk().openSession(target.http(), target.node()));
    for (Target target : targets) {
      if (sealing.open(target).isEmpty()) {
        throw bad(
            "--sessions: "
                + target.label()
                + " did not open a session over "
                + how.label()
                + " (it declined, does not announce the 'session' feature, or did not answer"
                + " within "
                + client.timeout().toMillis()
                + " ms); leave --sessions out to load it with signed requests");
      }
    }
    return sealing;
  }

  private LoadPlan.Transport transport() {
    return switch (transport.toLowerCase(Locale.ROOT)) {
      case "udp" -> Transport.UDP;
      case "http" -> Transport.HTTP;
      default -> throw bad("--transport must be udp or http, not '" + transport + "'");
    };
  }

  private void checkNumbers() {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw bad("--concurrency must be 1.." + MAX_CONCURRENCY + ", not " + concurrency);
    }
    if (threads != null && threads < 1) {
      throw bad("--threads must be at least 1, not " + threads);
    }
    if (requests != null && (requests < 1 || requests > 1_000_000_000L)) {
      throw bad("--requests must be 1..1000000000, not " + requests);
    }
    if (duration.isZero() || duration.isNegative() || duration.compareTo(Duration.ofDays(1)) > 0) {
      throw bad(
          "--duration must be more than 0 and at most 1d, not " + duration.toMillis() + " ms");
    }
    if (warmup.isNegative() || warmup.compareTo(Duration.ofHours(1)) > 0) {
      throw bad("--warmup must be 0 to 1h, not " + warmup.toMillis() + " ms");
    }
  }

  /** The messages each mix entry sends {@code peer}, typed and checked before any load starts. */
  private Target target(DiscoveredPeer peer, Mix parsed, Transport how) {
    Message.Description description = null;
    List<Message> requests = new ArrayList<>();
    for (Mix.Entry entry : parsed.entries()) {
      Message message =
          switch (entry) {
            case Mix.Describe d ->
                how == Transport.UDP
                    ? client.udp().padded(peer.node(), List.of(), Optional.empty())
                    : new Message.Describe(List.of(), Optional.empty(), 0);
            case Mix.Discover d -> new Message.Discover();
            case Mix.Execute e -> {
              if (description == null) {
                description = peer.describe(client, List.of("libraries"));
              }
              yield execute(peer, description, e);
            }
          };
      if (how == Transport.UDP) {
        Header sample = Header.fresh(Audience.node(peer.node()), Clock.systemUTC().instant());
        int size = client.signer().signedSize(sample, RequestKey.keyed(message));
        if (size > WireLimits.UDP_DATAGRAM_BYTES) {
          throw bad(
              "--mix entry '"
                  + entry.text()
                  + "' is "
                  + size
                  + " bytes signed, more than a datagram's "
                  + WireLimits.UDP_DATAGRAM_BYTES
                  + "; use --transport http");
        }
      }
      requests.add(message);
    }
    return new Target(peer.label(), peer.node(), peer.udp(), peer.http(), requests);
  }

  private static Message execute(
      DiscoveredPeer peer, Message.Description description, Mix.Execute e) {
    Message.Library library =
        description.libraries().stream()
            .filter(l -> l.name().equals(e.library()))
            .findFirst()
            .orElseThrow(
                () ->
                    bad(
                        "--mix entry '"
                            + e.text()
                            + "': "
                            + peer.label()
                            + " offers no library '"
                            + e.library()
                            + "'"));
    FunctionSignature signature =
        RunCommand.signatures(library).stream()
            .filter(f -> f.name().equals(e.function()))
            .findFirst()
            .orElseThrow(
                () ->
                    bad(
                        "--mix entry '"
                            + e.text()
                            + "': library "
                            + e.library()
                            + " on "
                            + peer.label()
                            + " exports no function '"
                            + e.function()
                            + "'"));
    return new Message.Execute(
        new Message.LibraryTarget(library.name()),
        new Message.Call(e.function(), signature.arguments(e.args())));
  }

  private void print(PrintWriter out, LoadRun.Report report, List<DiscoveredPeer> found) {
    var tally = report.tally();
    LatencyHistogram latency = tally.latency();
    LoadPlan plan = report.plan();
    out.printf(
        "%s over %s%s, %d in flight (%d thread%s), %s%s%n",
        String.join(", ", found.stream().map(DiscoveredPeer::label).toList()),
        plan.transport().label(),
        sessions ? " in sessions" : "",
        plan.concurrency(),
        plan.threads(),
        plan.threads() == 1 ? "" : "s",
        plan.requests() > 0
            ? plan.requests() + " requests"
            : org.weverywhere.config.DurationFormat.format(plan.duration()),
        plan.warmup().isZero()
            ? ""
            : " after " + org.weverywhere.config.DurationFormat.format(plan.warmup()) + " warm-up");
    out.printf("  mix       %s%n", plan.mix().text());
    out.printf(
        Locale.ROOT,
        "  calls     %,d ok of %,d sent in %.2f s: %,.0f calls/s%n",
        tally.ok(),
        tally.sent(),
        report.seconds(),
        report.callsPerSecond());
    out.printf(
        Locale.ROOT,
        "  latency   p50 %s  p90 %s  p99 %s  max %s%n",
        ms(latency.percentileNanos(50)),
        ms(latency.percentileNanos(90)),
        ms(latency.percentileNanos(99)),
        ms(latency.maxNanos()));
    out.printf("  refused   %s%n", counts(tally.refused()));
    out.printf("  errors    %s%n", counts(tally.errors()));
    tally.firstErrors().forEach((code, message) -> out.printf("  first %s: %s%n", code, message));
  }

  private static String counts(Map<String, Long> byCode) {
    if (byCode.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(byCode).forEach((code, n) -> parts.add(code + " " + n));
    return String.join(", ", parts);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  private static Map<String, Object> json(
      LoadRun.Report report, List<DiscoveredPeer> found, boolean sealed) {
    var tally = report.tally();
    LoadPlan plan = report.plan();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("peers", found.stream().map(p -> p.node().toString()).toList());
    o.put("transport", plan.transport().label());
    o.put("concurrency", plan.concurrency());
    o.put("threads", plan.threads());
    o.put("warmup_ms", plan.warmup().toMillis());
    if (plan.requests() > 0) {
      o.put("requests", plan.requests());
    } else {
      o.put("duration_ms", plan.duration().toMillis());
    }
    o.put("mix", plan.mix().text());
    o.put("sessions", sealed);
    o.put("sent", tally.sent());
    o.put("ok", tally.ok());
    o.put("seconds", report.seconds());
    o.put("calls_per_second", report.callsPerSecond());
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", tally.latency().percentileNanos(50) / 1e6);
    latency.put("p90", tally.latency().percentileNanos(90) / 1e6);
    latency.put("p99", tally.latency().percentileNanos(99) / 1e6);
    latency.put("max", tally.latency().maxNanos() / 1e6);
    o.put("latency_ms", latency);
    o.put("refused", new java.util.TreeMap<>(tally.refused()));
    o.put("errors", new java.util.TreeMap<>(tally.errors()));
    o.put("first_errors", new java.util.TreeMap<>(tally.firstErrors()));
    o.put("late", tally.late());
    return o;
  }

  private static WeverywhereException bad(String message) {
    return new CommandException(ErrorCode.BENCH_BAD_ARGUMENT, message);
  }
}
