package org.weverywhere.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves by hand, so that expiry, fading and renewal need no waiting. Safe to read
 * from the threads of the code under test while the test moves it.
 */
public final class MovableClock extends Clock {
  private final AtomicReference<Instant> now;

  public MovableClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  /** Moves the clock forward (or back, for a negative duration) by {@code by}. */
  public void advance(Duration by) {
    now.updateAndGet(t -> t.plus(by));
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
