package org.weverywhere.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.Message;

/**
 * One daemon as {@code top} sees it at one moment: what its announcement says and what the built-in
 * probes {@code probe-memory} then {@code probe-load} printed when run on it through the normal
 * execute path, or why they could not run. Nothing here comes from anywhere else.
 *
 * @param slots per group: {in use, total}
 * @param executionsStarted the daemon's count when probe-load ran, -1 unknown
 * @param problem why there are no figures (empty when the probes ran)
 */
record FleetSample(
    DiscoveredPeer peer,
    long atNanos,
    double load1m,
    int cores,
    long memoryTotal,
    long memoryFree,
    Map<String, int[]> slots,
    long executionsStarted,
    Optional<String> problem) {
  /**
   * The probes top runs, in this order, per daemon and refresh: both count among its executions.
   */
  static final String MEMORY_PROBE = "probe-memory";

  static final String LOAD_PROBE = "probe-load";
  static final int PROBES_PER_SAMPLE = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  static FleetSample failed(DiscoveredPeer peer, String problem) {
    return new FleetSample(
        peer, System.nanoTime(), -1, -1, -1, -1, Map.of(), -1, Optional.of(problem));
  }

  /**
   * Runs the two probes on {@code peer}, one after the other; a failure becomes the sample's
   * problem.
   */
  static FleetSample take(DiscoveredPeer peer, BulkClient bulk) {
    if (!peer.libraries().contains(MEMORY_PROBE) || !peer.libraries().contains(LOAD_PROBE)) {
      return failed(
          peer, "offers no " + MEMORY_PROBE + "/" + LOAD_PROBE + " (libraries.builtin = false?)");
    }
    try {
      JsonNode memory = probe(peer, bulk, MEMORY_PROBE);
      JsonNode load = probe(peer, bulk, LOAD_PROBE);
      // as ctl status shows groups: anonymous first, then by name
      Map<String, int[]> slots =
          new java.util.TreeMap<>(
              java.util.Comparator.comparing((String g) -> !g.equals("anonymous"))
                  .thenComparing(g -> g));
      load.path("slots")
          .properties()
          .forEach(
              e ->
                  slots.put(
                      e.getKey(),
                      new int[] {
                        e.getValue().path("in_use").asInt(-1), e.getValue().path("total").asInt(-1)
                      }));
      JsonNode started = load.path("executions_started");
      return new FleetSample(
          peer,
          System.nanoTime(),
          load.path("load_average").path("1m").asDouble(-1),
          load.path("cpu_logical_cores").asInt(-1),
          memory.path("memory_total_bytes").asLong(-1),
          memory.path("memory_free_bytes").asLong(-1),
          slots,
          started.isNumber() ? started.asLong() : -1,
          Optional.empty());
    } catch (WeverywhereException failed) {
      return failed(peer, failed.code().code() + " " + failed.getMessage());
    }
  }

  private static JsonNode probe(DiscoveredPeer peer, BulkClient bulk, String probe) {
    Message reply =
        bulk.request(
                peer.http(),
                peer.node(),
                new Message.Execute(
                    new Message.LibraryTarget(probe),
                    new Message.Command(java.util.List.of(probe), Map.of(), new byte[0])))
            .message();
    if (!(reply instanceof Message.Result result)) {
      throw new CommandException(
          ErrorCode.PROTOCOL_REFUSED, "answered " + probe + " with " + reply.type());
    }
    String stdout = new String(result.stdout(), StandardCharsets.UTF_8);
    if (!result.outcome().equals("completed") || result.exit() != 0) {
      String stderr = new String(result.stderr(), StandardCharsets.UTF_8).strip();
      throw new CommandException(
          ErrorCode.WASM_RUN_FAILED,
          probe
              + " "
              + result.outcome()
              + " exit "
              + result.exit()
              + (stderr.isEmpty() ? "" : ": " + stderr.lines().reduce((a, b) -> b).orElse("")));
    }
    try {
      JsonNode node = JSON.readTree(stdout);
      if (node == null || !node.isObject()) {
        throw new CommandException(ErrorCode.PROTOCOL_MALFORMED, probe + " printed no JSON object");
      }
      return node;
    } catch (JsonProcessingException bad) {
      throw new CommandException(
          ErrorCode.PROTOCOL_MALFORMED,
          probe + " printed no JSON object: " + bad.getOriginalMessage());
    }
  }

  /**
   * Executions per second between {@code before} and this sample, less the probes top itself ran in
   * between; empty when either has no count or they are of different daemon runs.
   */
  Optional<Double> executionsPerSecond(FleetSample before) {
    if (before == null
        || executionsStarted < 0
        || before.executionsStarted() < 0
        || executionsStarted < before.executionsStarted()) {
      return Optional.empty(); // a restarted daemon counts from 0 again
    }
    double seconds = (atNanos - before.atNanos()) / 1e9;
    if (seconds <= 0) {
      return Optional.empty();
    }
    long others = Math.max(0, executionsStarted - before.executionsStarted() - PROBES_PER_SAMPLE);
    return Optional.of(others / seconds);
  }
}
