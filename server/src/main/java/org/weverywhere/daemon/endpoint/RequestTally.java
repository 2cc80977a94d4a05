package org.weverywhere.daemon.endpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.events.JournalException;
import org.weverywhere.host.ThreadSource;

/**
 * Requests counted per requester key, group and one more word (a refusal's reason, a message type),
 * journaled as one summary event per interval instead of one event each: a stranger sending a
 * thousand refused requests a second then costs the disk one line every interval, of bounded size
 * ({@code maxEntries} rows; the rest are summed in {@code others}).
 *
 * <p>Every request passes here, a flood's too, so counting never waits for a summary being built or
 * journaled: requests count into the current window without excluding each other, and a summary
 * only swaps the window for a fresh one. (A count that waited on one lock with the flood's threads
 * took up to 0.46 s for a trusted describe on a loaded host, the lock's holder waiting for a CPU.)
 */
final class RequestTally implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RequestTally.class.getName());

  private final String type;
  private final String what;
  private final EventJournal journal;
  private final int maxEntries;
  private final ScheduledExecutorService ticker;
  private volatile long intervalNanos;
  private volatile long lastFlush = System.nanoTime();

  /**
   * Counting takes the read side (counters never exclude each other); a summary takes the write
   * side only to swap the window.
   */
  private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();

  private Window window = new Window(Instant.now());

  private record Key(String requester, String group, String what) {}

  /** What was counted since {@code since}. */
  private static final class Window {
    final ConcurrentHashMap<Key, LongAdder[]> rows = new ConcurrentHashMap<>();
    final LongAdder otherCount = new LongAdder();
    final LongAdder otherBytes = new LongAdder();
    final Instant since;

    Window(Instant since) {
      this.since = since;
    }

    boolean isEmpty() {
      return rows.isEmpty() && otherCount.sum() == 0;
    }
  }

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
        Executors.newSingleThreadScheduledExecutor(ThreadSource.platform("request-tally", true));
    ticker.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
  }

  /** How often the summary is journaled from now on ({@code events.refusals.interval}). */
  void every(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  void count(String requester, String group, String reason, long bytes) {
    Key key = new Key(requester, group == null ? "" : group, reason);
    var counting = swap.readLock();
    counting.lock();
    try {
      add(window, key, 1, bytes);
    } finally {
      counting.unlock();
    }
  }

  /**
   * Adds to {@code into}'s row of {@code key}, or to its others when it has {@code maxEntries} rows
   * (concurrent first counts may pass the bound by the number of counting threads, no more).
   */
  private void add(Window into, Key key, long count, long bytes) {
    LongAdder[] row = into.rows.get(key);
    if (row == null) {
      if (into.rows.size() >= maxEntries) {
        into.otherCount.add(count);
        into.otherBytes.add(bytes);
        return;
      }
      row = into.rows.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
    }
    row[0].add(count);
    row[1].add(bytes);
  }

  private void tick() {
    if (System.nanoTime() - lastFlush >= intervalNanos) {
      flush();
    }
  }

  /** Journals what was counted since the last summary (nothing when nothing was). */
  void flush() {
    Window done;
    Instant until = Instant.now();
    var swapping = swap.writeLock();
    swapping.lock();
    try {
      lastFlush = System.nanoTime();
      done = window;
      window = new Window(until);
    } finally {
      swapping.unlock();
    }
    if (done.isEmpty()) {
      return;
    }
    ObjectNode data =
        JsonNodeFactory.instance
            .objectNode()
            .put("since", done.since.toString())
            .put("until", until.toString());
    ArrayNode rows = data.putArray("counts");
    long total = done.otherCount.sum();
    long bytes = done.otherBytes.sum();
    for (var entry : done.rows.entrySet()) {
      long count = entry.getValue()[0].sum();
      long rowBytes = entry.getValue()[1].sum();
      rows.addObject()
          .put("requester", entry.getKey().requester())
          .put("group", entry.getKey().group())
          .put(what, entry.getKey().what())
          .put("count", count)
          .put("bytes", rowBytes);
      total += count;
      bytes += rowBytes;
    }
    data.put("count", total).put("bytes", bytes);
    if (done.otherCount.sum() > 0) {
      data.putObject("others")
          .put("count", done.otherCount.sum())
          .put("bytes", done.otherBytes.sum());
    }
    try {
      journal.appendAsync(JournalEvent.unsequenced(type, null, data));
    } catch (JournalException unavailable) {
      // kept for the next interval: the journal says it is unavailable, and recovers by itself
      LOG.log(Level.FINE, "summary " + type + " waits for the journal", unavailable);
      keep(done);
    }
  }

  /** Puts a window that could not be journaled back under the current one, from its start. */
  private void keep(Window unsent) {
    var swapping = swap.writeLock();
    swapping.lock();
    try {
      Window merged = new Window(unsent.since);
      for (Window w : new Window[] {unsent, window}) {
        w.rows.forEach((key, row) -> add(merged, key, row[0].sum(), row[1].sum()));
        merged.otherCount.add(w.otherCount.sum());
        merged.otherBytes.add(w.otherBytes.sum());
      }
      window = merged;
    } finally {
      swapping.unlock();
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    flush();
  }
}
