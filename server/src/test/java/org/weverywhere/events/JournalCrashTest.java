package org.weverywhere.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a process that is appending loses no acknowledged event and leaves no gap. */
class JournalCrashTest {
  @TempDir Path dir;

  @Test
  void killNineLosesNoAcknowledgedEvent() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                JournalCrashWriter.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long highestAcknowledged = 0;
    int acknowledged = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (var out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged < 3000
          && System.nanoTime() < deadline
          && (line = out.readLine()) != null) {
        highestAcknowledged = Math.max(highestAcknowledged, Long.parseLong(line.strip()));
        acknowledged++;
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
    } finally {
      child.destroyForcibly();
    }
    assertTrue(acknowledged >= 3000, "child acknowledged only " + acknowledged + " events in time");

    try (var journal = EventJournal.open(dir, 4096, Duration.ofDays(1), "crash-test");
        JournalReader reader = journal.read(1)) {
      long expected = 1;
      for (var e = reader.next(Duration.ZERO); e.isPresent(); e = reader.next(Duration.ZERO)) {
        assertEquals(expected, e.get().sequence(), "gap in the journal");
        expected++;
      }
      long kept = expected - 1;
      assertTrue(
          kept >= highestAcknowledged,
          "acknowledged event " + highestAcknowledged + " lost; journal ends at " + kept);
      assertEquals(
          kept + 1, journal.append(EventJournalTest.event(0)), "numbering goes on after the crash");
      assertTrue(
          List.of(dir.toFile().list()).size() > 1, "the crash test spanned several segments");
    }
  }
}
