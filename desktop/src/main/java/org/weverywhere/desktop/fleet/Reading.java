package org.weverywhere.desktop.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * What the built-in probes {@code probe-load} and {@code probe-memory} printed on one daemon at one
 * moment, the same two {@code weverywhere top} runs through the ordinary execute request; a figure
 * the probe did not print is negative.
 *
 * @param load1m the one-minute load average
 * @param memoryFree free memory in bytes
 * @param executionsStarted the daemon's count of admitted executions, the probes included
 */
public record Reading(double load1m, long memoryTotal, long memoryFree, long executionsStarted) {
  /** The probes, in the order {@code top} runs them. */
  public static final String MEMORY_PROBE = "probe-memory";

  public static final String LOAD_PROBE = "probe-load";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the two probes' standard output.
   *
   * @throws IllegalArgumentException with a one-line reason when either is not a JSON object
   */
  public static Reading of(String memoryOutput, String loadOutput) {
    JsonNode memory = object(MEMORY_PROBE, memoryOutput);
    JsonNode load = object(LOAD_PROBE, loadOutput);
    JsonNode started = load.path("executions_started");
    return new Reading(
        load.path("load_average").path("1m").asDouble(-1),
        memory.path("memory_total_bytes").asLong(-1),
        memory.path("memory_free_bytes").asLong(-1),
        started.isNumber() ? started.asLong() : -1);
  }

  private static JsonNode object(String probe, String output) {
    Objects.requireNonNull(output, probe);
    try {
      JsonNode node = JSON.readTree(output);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(probe + " printed no JSON object");
      }
      return node;
    } catch (JsonProcessingException bad) {
      throw new IllegalArgumentException(
          probe + " printed no JSON object: " + bad.getOriginalMessage());
    }
  }
}
