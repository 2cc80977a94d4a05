package org.weverywhere.events;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link JournalCrashTest}: appends events from four threads and prints each
 * sequence number the journal acknowledged, until it is killed.
 */
public final class JournalCrashWriter {
  private JournalCrashWriter() {}

  public static void main(String[] args) throws InterruptedException {
    var journal = EventJournal.open(Path.of(args[0]), 4096, Duration.ofDays(1), "crash-test");
    for (int t = 0; t < 4; t++) {
      Thread.ofPlatform()
          .start(
              () -> {
                for (int i = 0; ; i++) {
                  long sequence = journal.append(EventJournalTest.event(i));
                  synchronized (System.out) {
                    System.out.println(sequence);
                    System.out.flush();
                  }
                }
              });
    }
    Thread.sleep(Duration.ofMinutes(2)); // bounded: the test kills it long before
    System.exit(0);
  }
}
