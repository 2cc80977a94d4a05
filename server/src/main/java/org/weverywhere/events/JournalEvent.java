package org.weverywhere.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event as the journal keeps it: a CloudEvents 1.0 event whose sequence number the journal
 * assigned. {@code type} is a reverse-DNS name such as {@code org.weverywhere.execution.finished};
 * {@code data} is the event's JSON payload (requester, group, usage, ...).
 */
public record JournalEvent(
    long sequence, String type, Instant time, String subject, ObjectNode data) {
  public JournalEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
  }

  /** An event not yet in the journal: its sequence number is given at append. */
  public static JournalEvent unsequenced(String type, String subject, ObjectNode data) {
    return new JournalEvent(0, type, Instant.now(), subject, data);
  }

  JournalEvent withSequence(long sequence) {
    return new JournalEvent(sequence, type, time, subject, data);
  }
}
