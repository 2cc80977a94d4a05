package org.weverywhere.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a daemon's event journal (docs/EVENTS.md) as clients read it: the CloudEvents
 * attributes and the fields every event carries, the rest of its data as text, and the line itself.
 *
 * @param kind the type without its {@code org.weverywhere.} prefix, e.g. {@code execution.finished}
 * @param requester the signer's fingerprint, or "" for events no request caused
 * @param details the other data fields, in the order the daemon wrote them
 */
public record DaemonEvent(
    long sequence,
    String time,
    String kind,
    String requester,
    String group,
    Map<String, String> details,
    String json) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Data fields every request event has; {@link #details} leaves them out. */
  private static final List<String> COMMON =
      List.of("requester", "group", "messageId", "messageType", "signature");

  public DaemonEvent {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /**
   * Reads a journal line; a line that is not a journal event throws {@link
   * IllegalArgumentException}.
   */
  public static DaemonEvent parse(String json) {
    JsonNode event;
    try {
      event = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not a JSON event: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (event == null
        || !event.path("weverywhereseq").canConvertToLong()
        || !event.path("type").isTextual()) {
      throw new IllegalArgumentException("not a journal event (no weverywhereseq or type)");
    }
    JsonNode data = event.path("data");
    Map<String, String> details = new LinkedHashMap<>();
    data.properties()
        .forEach(
            field -> {
              if (!COMMON.contains(field.getKey())) {
                details.put(
                    field.getKey(),
                    field.getValue().isTextual()
                        ? field.getValue().asText()
                        : field.getValue().toString());
              }
            });
    return new DaemonEvent(
        event.path("weverywhereseq").asLong(),
        event.path("time").asText(),
        event.path("type").asText().replaceFirst("^org\\.weverywhere\\.", ""),
        data.path("requester").asText(""),
        data.path("group").asText(""),
        details,
        json);
  }

  /**
   * The events of one {@code report} of a following {@code events} request, in order; a line this
   * version cannot read is left out (the daemon's journal still has it).
   */
  public static List<DaemonEvent> readable(org.weverywhere.protocol.Message.Report report) {
    List<DaemonEvent> batch = new java.util.ArrayList<>();
    if (report.data().get("events") instanceof List<?> lines) {
      for (Object line : lines) {
        try {
          batch.add(parse(line.toString()));
        } catch (IllegalArgumentException unreadable) {
          // left out, as documented above
        }
      }
    }
    return batch;
  }

  /** The details as {@code key=value} words. */
  public String detailText() {
    return String.join(
        " ", details.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
