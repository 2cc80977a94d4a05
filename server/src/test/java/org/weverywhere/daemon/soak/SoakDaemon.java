package org.weverywhere.daemon.soak;

/** The daemon a soak started: what to send to and sample, whether it still runs, and its stop. */
interface SoakDaemon extends AutoCloseable {
  SoakTarget target();

  boolean alive();

  /** Where its log is, for a report that the daemon died. */
  String log();

  /** Stops the daemon and removes what it was given (configuration, state). */
  @Override
  void close();
}
