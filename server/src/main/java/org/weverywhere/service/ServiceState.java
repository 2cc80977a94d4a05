package org.weverywhere.service;

import java.util.Locale;

/** Where a service is in its life, as {@code describe} shows it. */
public enum ServiceState {
  /** Every instance is up. */
  RUNNING,
  /** At least one instance failed and is being started again after a backoff. */
  RESTARTING,
  /**
   * Failed too often, or could not start; the snapshot's reason says why. Start it again by hand.
   */
  FAILED,
  /** Stopped on purpose (or never started). */
  STOPPED;

  /** The word used on the wire and in tables. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
