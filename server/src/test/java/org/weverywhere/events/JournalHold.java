package org.weverywhere.events;

/**
 * Holds an event journal's writes while open, for tests in other packages: what a request does
 * while its event waits for the fsync, and that its reply waits too.
 */
public final class JournalHold implements AutoCloseable {
  private final EventJournal journal;

  private JournalHold(EventJournal journal) {
    this.journal = journal;
  }

  /** Nothing is written (nor acknowledged) until {@link #close}. */
  public static JournalHold hold(EventJournal journal) {
    journal.hold(true);
    return new JournalHold(journal);
  }

  @Override
  public void close() {
    journal.hold(false);
  }
}
