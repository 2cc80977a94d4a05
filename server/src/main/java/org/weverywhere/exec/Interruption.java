package org.weverywhere.exec;

import java.util.Optional;

/**
 * A request to stop one running guest, from the watchdog or the output cap, carried to the engine
 * by the action the engine armed (an epoch increment, a thread interrupt).
 */
public final class Interruption {
  /** Why the guest is being stopped. */
  public enum Reason {
    CPU_TIME,
    WALL_CLOCK,
    OUTPUT
  }

  private Reason reason;
  private Runnable action;

  /** Asks to stop; the first reason wins. Safe from any thread. */
  public synchronized void request(Reason why) {
    if (reason == null) {
      reason = why;
      if (action != null) {
        action.run();
      }
    }
  }

  /** Sets how to stop this guest; runs it at once when a stop was already requested. */
  public synchronized void arm(Runnable stop) {
    action = stop;
    if (reason != null) {
      stop.run();
    }
  }

  /** After this returns the action never runs again, so the engine may clean up after it. */
  public synchronized void disarm() {
    action = null;
  }

  public synchronized Optional<Reason> reason() {
    return Optional.ofNullable(reason);
  }
}
