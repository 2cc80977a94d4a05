package org.weverywhere.host;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What went wrong at one endpoint, by reason: every failure is counted, and each reason is logged
 * at most once per interval with how many there were since its last line, so a stranger sending a
 * thousand bad messages a second cannot fill the log (nor slow the loop with logging).
 */
public final class Failures {
  private final String where;
  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Map<String, Count> counts = new ConcurrentHashMap<>();

  private static final class Count {
    final AtomicLong total = new AtomicLong();
    long sinceLogged;
    long loggedAt = Long.MIN_VALUE;
  }

  /**
   * @param where the endpoint, as log lines name it (e.g. {@code UDP endpoint})
   * @param clock nanoseconds from a fixed origin, e.g. {@code System::nanoTime}
   */
  public Failures(String where, Logger log, Duration interval, LongSupplier clock) {
    this.where = where;
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
  }

  /**
   * Counts one failure of {@code reason}; logs it (with its cause) unless this reason was logged
   * lately.
   */
  public void failed(String reason, Throwable cause) {
    Count count = counts.computeIfAbsent(reason, r -> new Count());
    count.total.incrementAndGet();
    long now = clock.getAsLong();
    long suppressed;
    synchronized (count) {
      count.sinceLogged++;
      if (count.loggedAt != Long.MIN_VALUE && now - count.loggedAt < intervalNanos) {
        return;
      }
      suppressed = count.sinceLogged - 1;
      count.sinceLogged = 0;
      count.loggedAt = now;
    }
    String line =
        where
            + ": "
            + reason
            + " ("
            + cause
            + ")"
            + (suppressed > 0 ? "; " + suppressed + " more since the last report" : "")
            + "; counted, the endpoint goes on";
    // the stack trace the first time only: after that the count says enough
    log.log(Level.WARNING, line, count.total.get() == 1 ? cause : null);
  }

  /** Failures since start, by reason. */
  public Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((reason, count) -> snapshot.put(reason, count.total.get()));
    return snapshot;
  }
}
