package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;

/** Counting never waits for a summary, and no count is lost or counted twice across summaries. */
class RequestTallyTest {
  @TempDir Path dir;

  @Test
  void countsFromManyThreadsWhileSummariesAreWrittenAreEachInExactlyOneSummary() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, Duration.ofDays(1), "n");
        var tally =
            new RequestTally(
                "org.weverywhere.requests.refused", "reason", journal, Duration.ofDays(1), 4)) {
      var pool = Executors.newFixedThreadPool(8);
      List<CompletableFuture<Void>> counters = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        counters.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 20_000; i++) { // 8 keys, 4 rows kept: half go to others
                    tally.count("key" + thread, "anonymous", "WE5020", 10);
                  }
                },
                pool));
      }
      while (!counters.stream().allMatch(CompletableFuture::isDone)) {
        tally.flush();
      }
      CompletableFuture.allOf(counters.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      pool.shutdown();
      tally.flush();
      long count = 0;
      long bytes = 0;
      try (var reader = journal.read(1)) {
        for (var e = reader.next(Duration.ofMillis(200));
            e.isPresent();
            e = reader.next(Duration.ofMillis(200))) {
          JournalEvent event = e.get();
          count += event.data().path("count").asLong();
          bytes += event.data().path("bytes").asLong();
          assertTrue(event.data().path("counts").size() <= 4 + 8, event.data().toString());
        }
      }
      assertEquals(8 * 20_000, count);
      assertEquals(8 * 20_000 * 10L, bytes);
    }
  }

  @Test
  void aFlushWithNothingCountedWritesNothing() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, Duration.ofDays(1), "n");
        var tally =
            new RequestTally(
                "org.weverywhere.requests.refused", "reason", journal, Duration.ofDays(1), 4)) {
      tally.flush();
      try (var reader = journal.read(1)) {
        assertTrue(reader.next(Duration.ofMillis(200)).isEmpty());
      }
    }
    assertTrue(Files.exists(dir));
  }
}
