package org.weverywhere.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

class EventJournalTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration KEEP = Duration.ofDays(30);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;

  static JournalEvent event(int n) {
    ObjectNode data = JSON.createObjectNode().put("n", n).put("requester", "SHA256:test");
    return JournalEvent.unsequenced("org.weverywhere.test", "item-" + n, data);
  }

  private static List<JournalEvent> readAll(EventJournal journal, long from)
      throws InterruptedException {
    List<JournalEvent> events = new ArrayList<>();
    try (JournalReader reader = journal.read(from)) {
      for (var e = reader.next(Duration.ZERO); e.isPresent(); e = reader.next(Duration.ZERO)) {
        events.add(e.get());
      }
    }
    return events;
  }

  @Test
  void eventsAreCloudEventsWithContiguousSequenceNumbers() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "SHA256:node")) {
      assertEquals(1, journal.append(event(1)));
      assertEquals(2, journal.append(event(2)));
      var events = readAll(journal, 1);
      assertEquals(List.of(1L, 2L), events.stream().map(JournalEvent::sequence).toList());
      assertEquals("item-2", events.get(1).subject());
      assertEquals(2, events.get(1).data().path("n").asInt());
    }
    String firstLine =
        Files.readAllLines(dir.resolve("events-00000000000000000001.jsonl")).getFirst();
    var node = JSON.readTree(firstLine);
    assertEquals("1.0", node.path("specversion").asText());
    assertEquals("/weverywhere/SHA256:node", node.path("source").asText());
    assertEquals("org.weverywhere.test", node.path("type").asText());
    assertEquals(1, node.path(EventJournal.SEQUENCE).asLong());
  }

  /**
   * The line is made in parts outside the journal's lock (issue 16): it must stay byte for byte
   * what Jackson wrote for the whole CloudEvent, escapes included, for billing programs that read
   * it.
   */
  @Test
  void aLineMadeInPartsIsTheCloudEventJacksonWritesWhole() throws Exception {
    ObjectNode data =
        JSON.createObjectNode()
            .put("requester", "SHA256:\"quoted\"\n\u0000\u2028 é 🙂")
            .put("weverywhereseq", -1)
            .put("bytes", Long.MAX_VALUE);
    data.putArray("list").add(1).add("}{\\");
    var hostile = JournalEvent.unsequenced("org.weverywhere.\"test\"", "sub\nject \"}\" 🙂", data);
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "SHA256:\"node\"")) {
      long sequence = journal.append(hostile);
      journal.append(JournalEvent.unsequenced("org.weverywhere.test", null, data));
      String first =
          Files.readAllLines(dir.resolve("events-00000000000000000001.jsonl")).getFirst();
      assertEquals(whole(hostile, sequence, "SHA256:\"node\""), first);
      assertEquals(first, journal.json(readAll(journal, 1).getFirst()));
      var second =
          JSON.readTree(
              Files.readAllLines(dir.resolve("events-00000000000000000001.jsonl")).get(1));
      assertTrue(second.path("subject").isMissingNode(), "no subject, no field");
      assertEquals(2, second.path(EventJournal.SEQUENCE).asLong());
      assertEquals(data, second.path("data"));
    }
  }

  /** The whole event as one Jackson object, the way the journal wrote lines before. */
  private static String whole(JournalEvent event, long sequence, String source) throws Exception {
    ObjectNode node = JSON.createObjectNode();
    node.put("specversion", "1.0");
    node.put("id", Long.toString(sequence));
    node.put("source", "/weverywhere/" + source);
    node.put("type", event.type());
    node.put("time", event.time().toString());
    if (event.subject() != null) {
      node.put("subject", event.subject());
    }
    node.put("datacontenttype", "application/json");
    node.put(EventJournal.SEQUENCE, sequence);
    node.set("data", event.data());
    return JSON.writeValueAsString(node);
  }

  @Test
  void sequenceNumbersContinueAfterRestart() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      journal.append(event(1));
      journal.append(event(2));
    }
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      assertEquals(3, journal.append(event(3)));
      assertEquals(
          List.of(1L, 2L, 3L), readAll(journal, 1).stream().map(JournalEvent::sequence).toList());
    }
  }

  @Test
  void rotatesBySizeAndReadsAcrossSegments() throws Exception {
    try (var journal = EventJournal.open(dir, 600, KEEP, "n")) {
      for (int i = 1; i <= 40; i++) {
        journal.append(event(i));
      }
      assertTrue(Files.list(dir).count() > 3, "rotated into several segments");
      assertEquals(40, readAll(journal, 1).size());
      var fromMiddle = readAll(journal, 17);
      assertEquals(17, fromMiddle.getFirst().sequence());
      assertEquals(24, fromMiddle.size());
    }
  }

  @Test
  void retentionDeletesOldClosedSegmentsAndReadersAreToldWhereToResume() throws Exception {
    try (var journal = EventJournal.open(dir, 300, KEEP, "n")) {
      for (int i = 1; i <= 20; i++) {
        journal.append(event(i));
      }
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
      }
    }
    try (var journal = EventJournal.open(dir, 300, KEEP, "n")) {
      var behind = assertThrows(JournalException.class, () -> journal.read(1));
      assertEquals(ErrorCode.JOURNAL_BEHIND, behind.code());
      assertTrue(behind.getMessage().contains("resume from"), behind.getMessage());
      assertEquals(1, Files.list(dir).count(), "only the newest segment is kept");
      assertEquals(21, journal.append(event(21)));
    }
  }

  @Test
  void aCrashTailIsCutOffAtOpen() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      journal.append(event(1));
      journal.append(event(2));
    }
    Path segment = dir.resolve("events-00000000000000000001.jsonl");
    Files.writeString(
        segment, "{\"specversion\":\"1.0\",\"weverywhereseq\":3,\"da", StandardOpenOption.APPEND);
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      assertEquals(3, journal.append(event(3)));
      assertEquals(
          List.of(1L, 2L, 3L), readAll(journal, 1).stream().map(JournalEvent::sequence).toList());
    }
  }

  @Test
  void damageBeforeTheTailIsRefusedWithFileAndLine() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      for (int i = 1; i <= 3; i++) {
        journal.append(event(i));
      }
    }
    Path segment = dir.resolve("events-00000000000000000001.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(segment));
    lines.set(1, "garbage");
    Files.write(segment, lines);
    var refused =
        assertThrows(JournalException.class, () -> EventJournal.open(dir, 1 << 20, KEEP, "n"));
    assertTrue(
        refused.getMessage().contains(segment + ":2: expected event 2, found a damaged line"),
        refused.getMessage());
  }

  @Test
  void concurrentAppendsGetDistinctContiguousNumbers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (var journal = EventJournal.open(dir, 64 * 1024, KEEP, "n")) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 250; i++) {
                    journal.append(event(i));
                  }
                }));
      }
      for (var f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      var events = readAll(journal, 1);
      assertEquals(2000, events.size());
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i + 1, events.get(i).sequence());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFollowerReceivesEventsAsTheyAreWritten() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      journal.append(event(1));
      List<Long> seen = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      Thread follower =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (JournalReader reader = journal.read(1)) {
                      while (seen.size() < 3) {
                        reader.next(WAIT).ifPresent(e -> seen.add(e.sequence()));
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    done.countDown();
                  });
      journal.append(event(2));
      journal.append(event(3));
      assertTrue(done.await(10, TimeUnit.SECONDS), "follower got " + seen);
      follower.join(5000);
      assertEquals(List.of(1L, 2L, 3L), seen);
    }
  }

  @Test
  void aReaderWithNothingNewWaitsOnlyAsLongAsAsked() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n");
        JournalReader reader = journal.read(1)) {
      long start = System.nanoTime();
      assertTrue(reader.next(Duration.ofMillis(100)).isEmpty());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }
  }

  @Test
  void asyncAppendsCompleteInOrderOnceDurable() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      List<java.util.concurrent.CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = 1; i <= 500; i++) {
        acks.add(journal.appendAsync(event(i)));
      }
      for (int i = 0; i < acks.size(); i++) {
        assertEquals(i + 1, acks.get(i).get(10, TimeUnit.SECONDS));
      }
      assertEquals(500, readAll(journal, 1).size());
    }
  }

  @Test
  void appendsAfterCloseAreRefused() {
    var journal = EventJournal.open(dir, 1 << 20, KEEP, "n");
    journal.close();
    var refused = assertThrows(JournalException.class, () -> journal.append(event(1)));
    assertEquals(ErrorCode.JOURNAL_IO, refused.code());
  }

  @Test
  void aDeferredEventRidesWithTheNextAwaitedOne() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      var started = journal.appendDeferred(event(1));
      var finished = journal.appendAsync(event(2));
      assertEquals(2, finished.get(10, TimeUnit.SECONDS));
      // written before the awaited one, in the same batch or an earlier one: already durable
      assertTrue(started.isDone(), "the deferred event is on disk once a later one is");
      assertEquals(1, started.get());
      assertEquals(2, readAll(journal, 1).size());
    }
  }

  @Test
  void aDeferredEventAloneIsWrittenSoonAnyway() throws Exception {
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      long start = System.nanoTime();
      var alone = journal.appendDeferred(event(1));
      assertEquals(1, alone.get(10, TimeUnit.SECONDS));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(
          tookMs >= TimeUnit.NANOSECONDS.toMillis(EventJournal.DEFER_NANOS) - 1,
          "waited for company first: " + tookMs + " ms");
      assertEquals(1, readAll(journal, 1).size());
    }
  }

  @Test
  void closingWritesDeferredEventsAtOnce() throws Exception {
    java.util.concurrent.CompletableFuture<Long> deferred;
    try (var journal = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      deferred = journal.appendDeferred(event(1));
    }
    assertEquals(1, deferred.get(0, TimeUnit.SECONDS));
    try (var reopened = EventJournal.open(dir, 1 << 20, KEEP, "n")) {
      assertEquals(1, readAll(reopened, 1).size());
    }
  }

  @Test
  void aFullDiskMakesTheJournalUnavailableAndItRecoversByItselfLosingNoAcknowledgedEvent()
      throws Exception {
    Path disk = Files.createDirectories(dir.resolve("small-disk"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        SmallDisk.mount(disk, "128k"),
        "needs root (CAP_SYS_ADMIN) to mount a small tmpfs that can fill up");
    try {
      Path events = disk.resolve("events");
      List<Long> acknowledged = new ArrayList<>();
      long last;
      try (var journal = EventJournal.open(events, 1 << 20, KEEP, "n")) {
        journal.retryEvery(Duration.ofMillis(50));
        for (int i = 1; i <= 10; i++) {
          acknowledged.add(journal.append(event(i)));
        }
        Path filler = SmallDisk.fill(disk);
        JournalException failed = null;
        for (int i = 11;
            i <= 10_000 && failed == null;
            i++) { // the last page of the file still has room
          try {
            acknowledged.add(journal.append(event(i)));
          } catch (JournalException e) {
            failed = e;
          }
        }
        assertTrue(failed != null, "the disk never filled");
        assertEquals(ErrorCode.JOURNAL_UNAVAILABLE, failed.code(), failed.getMessage());
        assertTrue(journal.unavailable().isPresent(), "health is told");
        var refused = assertThrows(JournalException.class, () -> journal.append(event(0)));
        assertEquals(
            ErrorCode.JOURNAL_UNAVAILABLE,
            refused.code(),
            "refused at once while the disk is full");
        assertTrue(refused.getMessage().contains("No space left"), refused.getMessage());

        Files.delete(filler); // space returns: the journal recovers by itself
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (journal.unavailable().isPresent() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(journal.unavailable().isEmpty(), "recovered");
        last = journal.append(event(-1));
        acknowledged.add(last);
        List<JournalEvent> all = readAll(journal, 1);
        for (int i = 0; i < all.size(); i++) {
          assertEquals(i + 1, all.get(i).sequence(), "no gap in sequence numbers");
        }
        assertEquals(last, all.getLast().sequence());
        assertTrue(
            all.stream().anyMatch(e -> e.type().equals("org.weverywhere.journal.recovered")));
        var sequences = all.stream().map(JournalEvent::sequence).toList();
        assertTrue(sequences.containsAll(acknowledged), "every acknowledged event is there");
      }
      try (var reopened = EventJournal.open(events, 1 << 20, KEEP, "n")) {
        assertEquals(last + 1, reopened.nextSequence(), "nothing torn or missing after a restart");
      }
    } finally {
      SmallDisk.unmount(disk);
    }
  }

  @Test
  void aFullDiskBudgetRefusesWorkRatherThanDeleteEventsWithinTheRetention() throws Exception {
    try (var journal = EventJournal.open(dir, 300, KEEP, 2_000, "n")) {
      journal.retryEvery(Duration.ofMillis(20));
      JournalException full = null;
      int appended = 0;
      for (int i = 1; i <= 1_000 && full == null; i++) {
        try {
          journal.append(event(i));
          appended++;
        } catch (JournalException e) {
          full = e;
        }
      }
      assertTrue(full != null, "the budget never filled");
      assertEquals(ErrorCode.JOURNAL_FULL, full.code());
      assertTrue(journal.unavailable().isPresent());
      assertEquals(1, journal.earliestSequence(), "no event within the retention was deleted");
      assertEquals(appended, readAll(journal, 1).size());

      try (var files = Files.list(dir)) { // time passes: the closed files leave the retention
        for (Path f : files.toList()) {
          Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        }
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (journal.unavailable().isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(
          journal.unavailable().isEmpty(),
          "the files beyond the retention went; the journal takes events again");
      assertEquals(appended + 1, journal.append(event(0)));
    }
  }
}
