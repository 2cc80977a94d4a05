package org.weverywhere.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.ProtocolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere top}: every daemon of the network, refreshed like top(1), built only from what
 * anyone could build: the daemons' announcements and the built-in probes run on each through the
 * ordinary execute request (so it needs the observe privilege, as the probes do).
 */
@Command(
    name = "top",
    description = {
      "Show every daemon that answers, refreshing: load, free memory, execution slots in use per group, executions per second.",
      "The figures come from running the built-in probes probe-memory and probe-load on each daemon (they need the observe privilege);",
      "executions per second leave out top's own probes and show from the second refresh on."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere top --key observer.key.pem",
      "  weverywhere top --once --json --key observer.key.pem",
      "",
      "Each refresh discovers again for --timeout seconds, then probes every daemon at once."
    })
final class TopCommand implements Callable<Integer> {
  private static final String CLEAR = "\033[H\033[2J";

  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(names = "--once", description = "One refresh, then exit.")
  boolean once;

  @Option(
      names = {"-n", "--iterations"},
      paramLabel = "N",
      description = "Refreshes before exiting (default: until interrupted).")
  Integer iterations;

  @Option(
      names = {"-d", "--delay"},
      paramLabel = "SECONDS",
      defaultValue = "2",
      description = "Pause between refreshes (default: ${DEFAULT-VALUE}).")
  double delaySeconds;

  @Option(
      names = "--json",
      description = "One JSON document per refresh (with --once: exactly one), for scripts.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    client.validate();
    if (delaySeconds < 0 || delaySeconds > 3600 || (iterations != null && iterations < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--delay must be 0..3600 s, --iterations at least 1");
    }
    int refreshes = once ? 1 : iterations == null ? Integer.MAX_VALUE : iterations;
    PrintWriter out = spec.commandLine().getOut();
    Peers peers = new Peers(client, spec.commandLine().getErr());
    BulkClient bulk = client.bulk();
    Map<String, FleetSample> previous = new HashMap<>();
    for (int refresh = 0; refresh < refreshes; refresh++) {
      if (refresh > 0) {
        Thread.sleep((long) (delaySeconds * 1000));
      }
      List<DiscoveredPeer> found;
      try {
        found = peers.all();
      } catch (ProtocolException silence) {
        if (once) {
          throw silence;
        }
        found = List.of(); // a quiet moment in a live view is shown, not fatal
      }
      List<FleetSample> samples = sample(found, bulk);
      if (json) {
        out.println(
            once
                ? Json.document(document(samples, previous))
                : Json.line(document(samples, previous)));
      } else {
        if (!once) {
          out.print(CLEAR);
        }
        print(out, samples, previous);
      }
      out.flush();
      previous.clear();
      samples.forEach(s -> previous.put(s.peer().node().toString(), s));
    }
    return ExitStatus.OK;
  }

  /** Every daemon at once, each probed in its own virtual thread; ordered by name. */
  private static List<FleetSample> sample(List<DiscoveredPeer> peers, BulkClient bulk)
      throws InterruptedException {
    List<FleetSample> samples = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<FleetSample>> asked =
          peers.stream().map(p -> threads.submit(() -> FleetSample.take(p, bulk))).toList();
      for (int i = 0; i < asked.size(); i++) {
        try {
          samples.add(asked.get(i).get());
        } catch (ExecutionException unexpected) {
          // a reporting boundary: one daemon's odd answer is shown on its row, the others still are
          samples.add(FleetSample.failed(peers.get(i), String.valueOf(unexpected.getCause())));
        }
      }
    }
    samples.sort(
        java.util.Comparator.comparing((FleetSample s) -> s.peer().name())
            .thenComparing(s -> s.peer().node().toString()));
    return samples;
  }

  private static void print(
      PrintWriter out, List<FleetSample> samples, Map<String, FleetSample> previous) {
    long answered = samples.stream().filter(s -> s.problem().isEmpty()).count();
    out.println(samples.size() + " daemons, " + answered + " probed");
    Table table = new Table("NAME", "NODE", "LOAD", "CORES", "MEM FREE", "EXEC/S", "SLOTS IN USE");
    for (FleetSample s : samples) {
      if (s.problem().isPresent()) {
        table.add(
            s.peer().name(), s.peer().node().shortForm(), "-", "-", "-", "-", s.problem().get());
        continue;
      }
      table.add(
          s.peer().name(),
          s.peer().node().shortForm(),
          s.load1m() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", s.load1m()),
          s.cores() < 0 ? "?" : Integer.toString(s.cores()),
          size(s.memoryFree()) + " of " + size(s.memoryTotal()),
          s.executionsPerSecond(previous.get(s.peer().node().toString()))
              .map(r -> String.format(Locale.ROOT, "%.1f", r))
              .orElse("-"),
          String.join(
              " ",
              s.slots().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1])
                  .toList()));
    }
    table.print(out);
  }

  private static Map<String, Object> document(
      List<FleetSample> samples, Map<String, FleetSample> previous) {
    List<Map<String, Object>> daemons = new ArrayList<>();
    for (FleetSample s : samples) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", s.peer().name());
      d.put("node", s.peer().node().toString());
      d.put("address", s.peer().udp().getAddress().getHostAddress());
      if (s.problem().isPresent()) {
        d.put("problem", s.problem().get());
      } else {
        d.put("load1m", s.load1m() < 0 ? null : s.load1m());
        d.put("cores", s.cores());
        d.put("memoryTotalBytes", s.memoryTotal());
        d.put("memoryFreeBytes", s.memoryFree());
        d.put("executionsStarted", s.executionsStarted() < 0 ? null : s.executionsStarted());
        Optional<Double> rate = s.executionsPerSecond(previous.get(s.peer().node().toString()));
        d.put("executionsPerSecond", rate.orElse(null));
        Map<String, Object> slots = new LinkedHashMap<>();
        s.slots()
            .forEach((group, used) -> slots.put(group, Map.of("inUse", used[0], "total", used[1])));
        d.put("slots", slots);
      }
      daemons.add(d);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("at", java.time.Instant.now().toString());
    doc.put("daemons", daemons);
    return doc;
  }

  /** Bytes as people read them: GiB with one decimal, or MiB below one GiB. */
  static String size(long bytes) {
    if (bytes < 0) {
      return "?";
    }
    double gib = bytes / (1024.0 * 1024 * 1024);
    return gib >= 1
        ? String.format(Locale.ROOT, "%.1f GiB", gib)
        : String.format(Locale.ROOT, "%d MiB", bytes / (1024 * 1024));
  }
}
