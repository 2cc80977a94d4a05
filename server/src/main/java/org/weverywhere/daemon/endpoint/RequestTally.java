package org.weverywhere.daemon.endpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.events.JournalException;

/**
 * Requests counted per requester key, group and one more word (a refusal's reason, a message type),
 * journaled as one summary event per interval instead of one event each: a stranger sending a
 * thousand refused requests a second then costs the disk one line every interval, of bounded size
 * ({@code maxEntries} rows; the rest are summed in {@code others}).
 */
final class RequestTally implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RequestTally.class.getName());

  private final String type;
  private final String what;
  private final EventJournal journal;
  private final int maxEntries;
  private final ScheduledExecutorService ticker;
  private volatile long intervalNanos;
  private long lastFlush = System.nanoTime();
  private Instant since = Instant.now();
  private final Map<Key, long[]> counts = new LinkedHashMap<>();
  private long otherCount;
  private long otherBytes;

  private record Key(String requester, String group, String what) {}

  /**
   * @param type the summary event's type, e.g. {@code org.weverywhere.requests.refused}
   * @param what the name of the third key in each row, e.g. {@code reason}
   */
  RequestTally(String type, String what, EventJournal journal, Duration interval, int maxEntries) {
    this.type = type;
    this.what = what;
    this.journal = journal;
    this.maxEntries = maxEntries;
    this.intervalNanos = interval.toNanos();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("request-tally").daemon().factory());
    ticker.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
  }

  /** How often the summary is journaled from now on ({@code events.refusals.interval}). */
  void every(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  synchronized void count(String requester, String group, String reason, long bytes) {
    Key key = new Key(requester, group == null ? "" : group, reason);
    long[] row = counts.get(key);
    if (row == null && counts.size() >= maxEntries) {
      otherCount++;
      otherBytes += bytes;
      return;
    }
    if (row == null) {
      row = new long[2];
      counts.put(key, row);
    }
    row[0]++;
    row[1] += bytes;
  }

  private void tick() {
    boolean due;
    synchronized (this) {
      due = System.nanoTime() - lastFlush >= intervalNanos;
    }
    if (due) {
      flush();
    }
  }

  /** Journals what was counted since the last summary (nothing when nothing was). */
  void flush() {
    JournalEvent event;
    synchronized (this) {
      lastFlush = System.nanoTime();
      if (counts.isEmpty() && otherCount == 0) {
        since = Instant.now();
        return;
      }
      Instant until = Instant.now();
      ObjectNode data =
          JsonNodeFactory.instance
              .objectNode()
              .put("since", since.toString())
              .put("until", until.toString());
      ArrayNode rows = data.putArray("counts");
      long total = otherCount;
      long bytes = otherBytes;
      for (var entry : counts.entrySet()) {
        rows.addObject()
            .put("requester", entry.getKey().requester())
            .put("group", entry.getKey().group())
            .put(what, entry.getKey().what())
            .put("count", entry.getValue()[0])
            .put("bytes", entry.getValue()[1]);
        total += entry.getValue()[0];
        bytes += entry.getValue()[1];
      }
      data.put("count", total).put("bytes", bytes);
      if (otherCount > 0) {
        data.putObject("others").put("count", otherCount).put("bytes", otherBytes);
      }
      event = JournalEvent.unsequenced(type, null, data);
      try {
        journal.appendAsync(event);
      } catch (JournalException unavailable) {
        // kept for the next interval: the journal says it is unavailable, and recovers by itself
        LOG.log(Level.FINE, "summary " + type + " waits for the journal", unavailable);
        return;
      }
      counts.clear();
      otherCount = 0;
      otherBytes = 0;
      since = until;
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    flush();
  }
}
