package org.weverywhere.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a load run may send: a warm-up whose requests are not counted, then either a duration or a
 * number of measured requests. Shared by all load threads; the only shared state on the hot path is
 * the count of measured requests left.
 */
public final class LoadWindow {
  private final long measureFrom;
  private final long end;
  private final AtomicLong left;
  private final boolean counted;

  private LoadWindow(long start, Duration warmup, Duration duration, long requests) {
    this.measureFrom = start + warmup.toNanos();
    this.counted = requests > 0;
    this.end = counted ? Long.MAX_VALUE : measureFrom + duration.toNanos();
    this.left = new AtomicLong(requests);
  }

  /** {@code warmup}, then {@code duration} of measured requests, from now. */
  public static LoadWindow timed(Duration warmup, Duration duration) {
    return new LoadWindow(System.nanoTime(), warmup, duration, 0);
  }

  /** {@code warmup}, then exactly {@code requests} measured requests, from now. */
  public static LoadWindow counted(Duration warmup, long requests) {
    if (requests < 1) {
      throw new IllegalArgumentException("at least one request");
    }
    return new LoadWindow(System.nanoTime(), warmup, Duration.ZERO, requests);
  }

  /** Whether a request may start at {@code now}; a measured one in a counted run takes its turn. */
  boolean mayStart(long now) {
    if (now - end >= 0) {
      return false;
    }
    if (counted && now - measureFrom >= 0) {
      return left.getAndDecrement() > 0;
    }
    return true;
  }

  /** Whether a request sent at {@code sentAt} counts. */
  boolean measured(long sentAt) {
    return sentAt - measureFrom >= 0;
  }

  /** {@link System#nanoTime()} at which measuring began. */
  public long measureFrom() {
    return measureFrom;
  }
}
