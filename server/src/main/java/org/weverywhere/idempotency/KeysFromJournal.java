package org.weverywhere.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.events.JournalException;
import org.weverywhere.events.JournalReader;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.trust.Fingerprint;

/**
 * What a restarted daemon knows of the keyed requests it ran before: the {@code requestKey} and
 * {@code requestHash} of the recent {@code execution.finished} and {@code service.called} events,
 * so that a retry arriving after a crash and restart is told {@code WE5061} rather than run a
 * second time. Reads at most the last {@code 4 × entries} events, and only those within the window.
 */
public final class KeysFromJournal {
  private static final Logger LOG = Logger.getLogger(KeysFromJournal.class.getName());
  private static final Set<String> RAN =
      Set.of("org.weverywhere.execution.finished", "org.weverywhere.service.called");

  private KeysFromJournal() {}

  /** Loads the keys into {@code keys}; returns how many it remembered. */
  public static int load(EventJournal journal, RequestKeys keys, int entries, Instant now) {
    long end = journal.nextSequence();
    long from = Math.max(journal.earliestSequence(), end - 4L * entries);
    int remembered = 0;
    try (JournalReader reader = journal.read(from)) {
      for (long read = 0; reader.position() < end && read < 4L * entries; read++) {
        Optional<JournalEvent> next = reader.next(Duration.ZERO);
        if (next.isEmpty()) {
          break;
        }
        JournalEvent event = next.get();
        if (RAN.contains(event.type()) && remember(keys, event, now)) {
          remembered++;
        }
      }
    } catch (JournalException | InterruptedException unreadable) {
      if (unreadable instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // the daemon starts without them: a retry of a request that ran before may run again
      LOG.warning(
          "request keys of earlier runs not recovered from the journal: "
              + unreadable.getMessage());
    }
    return remembered;
  }

  private static boolean remember(RequestKeys keys, JournalEvent event, Instant now) {
    JsonNode data = event.data();
    if (!data.hasNonNull("requestKey")
        || !data.hasNonNull("requestHash")
        || !data.hasNonNull("requester")) {
      return false;
    }
    try {
      return keys.remember(
          Fingerprint.parse(data.get("requester").asText()),
          RequestKey.of(HexFormat.of().parseHex(data.get("requestKey").asText())),
          HexFormat.of().parseHex(data.get("requestHash").asText()),
          Duration.between(event.time(), now).abs());
    } catch (IllegalArgumentException damaged) {
      return false; // a line this version did not write, or edited by hand: not a key to trust
    }
  }
}
