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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.ExecutionRequest.FunctionCall;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.GroupLimits;
import org.weverywhere.exec.HostLimits;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.exec.ReservingQuotaLedger;
import org.weverywhere.exec.WasmValue;

/**
 * Event journal throughput with durability (every acknowledged event fsynced), from 1 and from 8
 * appending threads, beside two references in the same run: one fsync per event (what group commit
 * avoids) and plain writes with no fsync at all (the ceiling). Medians of 5 rounds.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests}
 */
public final class JournalBenchmark {
  private static final int ROUNDS = 5;
  private static final int EVENTS = 20_000;

  private JournalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path root = ScratchDirectories.create("journal-bench");
    try {
      System.out.println(
          "## Event journal throughput (events/s, median of "
              + ROUNDS
              + " rounds of "
              + EVENTS
              + " events, "
              + Runtime.getRuntime().availableProcessors()
              + " cores)");
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
      row(
          "journal, appendAsync from 1 thread (each acknowledged once on disk)",
          pipelined,
          perEventSync);
      row("reference: plain writes, no fsync (ceiling)", noSync, perEventSync);
      executionOverhead(Files.createTempDirectory(root, "overhead"));
    } finally {
      ScratchDirectories.delete(root);
    }
  }

  /**
   * What journaling adds to one warm execution: {@code math.add} through the executor alone, and
   * through the executor with the two events the daemon writes for it (the start without waiting,
   * the finish durably before the reply), interleaved in rounds so both meet the same noise.
   */
  private static void executionOverhead(Path dir) throws Exception {
    Path examples =
        Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
    byte[] math = Files.readAllBytes(examples.resolve("math.wasi"));
    var settings = new ExecutorParameters(Engine.WASMTIME, 64, 1 << 20, Duration.ofSeconds(60), 16);
    var quotas =
        new QuotaSettings(
            new HostLimits(2, 1L << 30),
            Map.of("friends", new GroupLimits(2, 512L << 20, 64L << 20, Duration.ofSeconds(30))));
    var add =
        new FunctionCall(
            math,
            "add",
            List.of(new WasmValue.I32(40), new WasmValue.I32(2)),
            new AdmittedGroup("friends", false));
    Executor executor =
        new Executor(
            settings, new ReservingQuotaLedger(quotas, 16), new ExecutorBeans().engine(settings));
    try (var journal = EventJournal.open(dir, 64L << 20, Duration.ofDays(1), "bench")) {
      int rounds = 10;
      int perRound = 500;
      long[] bare = new long[rounds * perRound];
      long[] journaled = new long[rounds * perRound];
      for (int i = 0; i < 2_000; i++) {
        executor.execute(add);
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < perRound; i++) {
          long start = System.nanoTime();
          executor.execute(add);
          bare[r * perRound + i] = System.nanoTime() - start;
        }
        for (int i = 0; i < perRound; i++) {
          long start = System.nanoTime();
          journal.appendDeferred(
              JournalEvent.unsequenced("org.weverywhere.execution.started", "execute", data(i)));
          executor.execute(add);
          journal.append(
              JournalEvent.unsequenced("org.weverywhere.execution.finished", "execute", data(i)));
          journaled[r * perRound + i] = System.nanoTime() - start;
        }
      }
      Arrays.sort(bare);
      Arrays.sort(journaled);
      double p50Bare = bare[bare.length / 2] / 1e3;
      double p50Journaled = journaled[journaled.length / 2] / 1e3;
      System.out.println();
      System.out.println(
          "## Journal overhead on a warm execution (math.add on Wasmtime, "
              + bare.length
              + " each, interleaved)");
      System.out.println();
      System.out.println("| lane | p50 | p99 |");
      System.out.println("|---|---:|---:|");
      System.out.printf(
          "| executor alone | %.0f µs | %.0f µs |%n", p50Bare, bare[bare.length * 99 / 100] / 1e3);
      System.out.printf(
          "| executor + started (async) + finished (durable) events | %.0f µs | %.0f µs |%n",
          p50Journaled, journaled[journaled.length * 99 / 100] / 1e3);
      System.out.printf(
          "%njournal adds %.0f µs at the median (%.1f× the bare execution)%n",
          p50Journaled - p50Bare, p50Journaled / p50Bare);
    } finally {
      executor.close();
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
    return JsonNodeFactory.instance
        .objectNode()
        .put("requester", "SHA256:ywf/cccvEIL3+Yzu/SkZXraZDio/5CX39eWdIp6/mfU")
        .put("group", "friends")
        .put("library", "51ef5548e3b3ebcf4473be3454c9c086dc9be33114280bd6e3814cae1d7af1b3")
        .put("function", "add")
        .put("cpuNanos", 12_345 + i)
        .put("wallNanos", 23_456)
        .put("peakMemory", 131_072)
        .put("bytesIn", 210)
        .put("bytesOut", 180)
        .put("exit", 0);
  }

  private static double journal(Path dir, int threads) throws Exception {
    try (var journal = EventJournal.open(dir, 64L << 20, Duration.ofDays(1), "bench")) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < EVENTS / threads; i++) {
                      journal.append(
                          JournalEvent.unsequenced(
                              "org.weverywhere.execution.finished", null, data(i)));
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
        acks.add(
            journal.appendAsync(
                JournalEvent.unsequenced("org.weverywhere.execution.finished", null, data(i))));
      }
      java.util.concurrent.CompletableFuture.allOf(
              acks.toArray(java.util.concurrent.CompletableFuture[]::new))
          .join();
      return EVENTS / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static byte[] line(int i) {
    return ("{\"specversion\":\"1.0\",\"data\":" + data(i) + "}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static double fsyncPerEvent(Path dir) throws IOException {
    int events = EVENTS / 10; // one fsync each: a tenth is plenty to measure
    try (var channel =
        FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        channel.write(ByteBuffer.wrap(line(i)));
        channel.force(false);
      }
      return events / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double writeWithoutFsync(Path dir) throws IOException {
    try (var channel =
        FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      for (int i = 0; i < EVENTS; i++) {
        channel.write(ByteBuffer.wrap(line(i)));
      }
      return EVENTS / ((System.nanoTime() - start) / 1e9);
    }
  }
}
