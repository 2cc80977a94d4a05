package org.weverywhere.events.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;

/**
 * Event journal throughput with durability (every acknowledged event fsynced), from 1 and from 8
 * appending threads, beside two references in the same run: one fsync per event (what group
 * commit avoids) and plain writes with no fsync at all (the ceiling). Medians of 5 rounds.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests}
 */
public final class JournalBenchmark {
  private static final int ROUNDS = 5;
  private static final int EVENTS = 20_000;

  private JournalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path root = Files.createTempDirectory("journal-bench");
    try {
      System.out.println("## Event journal throughput (events/s, median of " + ROUNDS + " rounds of "
          + EVENTS + " events, " + Runtime.getRuntime().availableProcessors() + " cores)");
      System.out.println();
      System.out.println("| lane | events/s | vs fsync per event |");
      System.out.println("|---|---:|---:|");
      double perEventSync = median(root, JournalBenchmark::fsyncPerEvent);
      double oneThread = median(root, dir -> journal(dir, 1));
      double eightThreads = median(root, dir -> journal(dir, 8));
      double pipelined = median(root, JournalBenchmark::pipelined);
      double noSync = median(root, JournalBenchmark::writeWithoutFsync);
      row("reference: write + fsync per event (1 thread)", perEventSync, perEventSync);
      row("journal, 1 appending thread", oneThread, perEventSync);
      row("journal, 8 appending threads (group commit)", eightThreads, perEventSync);
      row("journal, appendAsync from 1 thread (each acknowledged once on disk)", pipelined, perEventSync);
      row("reference: plain writes, no fsync (ceiling)", noSync, perEventSync);
    } finally {
      try (var files = Files.walk(root)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  interface Lane {
    /** Runs one round in an empty directory and returns events per second. */
    double run(Path dir) throws Exception;
  }

  private static double median(Path root, Lane lane) throws Exception {
    double[] results = new double[ROUNDS];
    lane.run(Files.createTempDirectory(root, "warm"));
    for (int i = 0; i < ROUNDS; i++) {
      results[i] = lane.run(Files.createTempDirectory(root, "round"));
    }
    Arrays.sort(results);
    return results[ROUNDS / 2];
  }

  private static void row(String lane, double perSecond, double reference) {
    System.out.printf("| %s | %,.0f | %.1f× |%n", lane, perSecond, perSecond / reference);
  }

  private static ObjectNode data(int i) {
    return JsonNodeFactory.instance.objectNode()
        .put("requester", "SHA256:ywf/cccvEIL3+Yzu/SkZXraZDio/5CX39eWdIp6/mfU")
        .put("group", "friends").put("library", "51ef5548e3b3ebcf4473be3454c9c086dc9be33114280bd6e3814cae1d7af1b3")
        .put("function", "add").put("cpuNanos", 12_345 + i).put("wallNanos", 23_456).put("peakMemory", 131_072)
        .put("bytesIn", 210).put("bytesOut", 180).put("exit", 0);
  }

  private static double journal(Path dir, int threads) throws Exception {
    try (var journal = EventJournal.open(dir, 64L << 20, Duration.ofDays(1), "bench")) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            for (int i = 0; i < EVENTS / threads; i++) {
              journal.append(JournalEvent.unsequenced("org.weverywhere.execution.finished", null, data(i)));
            }
            return null;
          }));
        }
        for (var f : futures) {
          f.get();
        }
        return EVENTS / ((System.nanoTime() - start) / 1e9);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** One producer that does not wait for each event: what the daemon's executions look like. */
  private static double pipelined(Path dir) throws Exception {
    try (var journal = EventJournal.open(dir, 64L << 20, Duration.ofDays(1), "bench")) {
      long start = System.nanoTime();
      List<java.util.concurrent.CompletableFuture<Long>> acks = new ArrayList<>(EVENTS);
      for (int i = 0; i < EVENTS; i++) {
        acks.add(journal.appendAsync(JournalEvent.unsequenced("org.weverywhere.execution.finished", null, data(i))));
      }
      java.util.concurrent.CompletableFuture.allOf(acks.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
      return EVENTS / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static byte[] line(int i) {
    return ("{\"specversion\":\"1.0\",\"data\":" + data(i) + "}\n").getBytes(StandardCharsets.UTF_8);
  }

  private static double fsyncPerEvent(Path dir) throws IOException {
    int events = EVENTS / 10; // one fsync each: a tenth is plenty to measure
    try (var channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        channel.write(ByteBuffer.wrap(line(i)));
        channel.force(false);
      }
      return events / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double writeWithoutFsync(Path dir) throws IOException {
    try (var channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      for (int i = 0; i < EVENTS; i++) {
        channel.write(ByteBuffer.wrap(line(i)));
      }
      return EVENTS / ((System.nanoTime() - start) / 1e9);
    }
  }
}
