package org.weverywhere.host;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The door for work (fetches and executions): counts what is in flight, and once the daemon is
 * draining lets nothing new in while what is inside finishes. Discovery and describe stay open, so
 * peers still see a draining host, and readiness says it is not ready.
 */
@ApplicationScoped
public class Intake {
  private int inFlight;
  private boolean draining;

  /**
   * Admits one piece of work, or refuses it while draining; an admitted one must {@link #leave}.
   */
  public synchronized boolean enter() {
    if (draining) {
      return false;
    }
    inFlight++;
    return true;
  }

  public synchronized void leave() {
    inFlight--;
    notifyAll();
  }

  /**
   * Stops admitting work and waits up to {@code timeout} for what is in flight to finish; returns
   * how much is still running (0 when drained).
   */
  public synchronized int drain(Duration timeout) throws InterruptedException {
    draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return inFlight;
  }

  /** Admits work again after a drain. */
  public synchronized void resume() {
    draining = false;
  }

  public synchronized boolean draining() {
    return draining;
  }

  public synchronized int inFlight() {
    return inFlight;
  }
}
