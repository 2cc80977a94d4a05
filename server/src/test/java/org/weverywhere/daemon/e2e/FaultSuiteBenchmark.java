package org.weverywhere.daemon.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;

/**
 * The fault suite's figures: success rate and duplicate executions of 1,000 logical executes at 0,
 * 5, 20 and 40% loss each way (nftables in the daemon's namespace, the client in the root
 * namespace, each execute keyed and retransmitted within the CLI's default 3 s budget), and the
 * time until a clear error when the peer is gone (stopped with SIGSTOP): for a client, and for a
 * guest whose service call crosses to it. Needs root, iproute2 and nftables; creates and removes
 * {@code we-ft*}.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests} ({@code
 * -Dweverywhere.faults.executes=N} for another count).
 */
public final class FaultSuiteBenchmark {
  private FaultSuiteBenchmark() {}

  public static void main(String[] args) throws Exception {
    var missing = FaultSuiteTest.missing();
    if (missing.isPresent()) {
      System.out.println("FaultSuiteBenchmark skipped: " + missing.get());
      return;
    }
    int count = Integer.getInteger("weverywhere.faults.executes", 1_000);
    List<String> rows = new ArrayList<>();
    try {
      FaultSuiteTest.hosts();
      // warm up (module compiled and cached, JIT) before anything is measured
      FaultSuiteTest.executes(FaultSuiteTest.udpAddress("b"), 200, 4);
      for (int percent : new int[] {0, 5, 20, 40}) {
        Map<String, Integer> before =
            FaultSuiteTest.byKey("b", "org.weverywhere.execution.finished");
        FaultSuiteTest.loss(percent);
        FaultSuiteTest.Stream stream;
        long start = System.nanoTime();
        try {
          stream = FaultSuiteTest.executes(FaultSuiteTest.udpAddress("b"), count, 4);
        } finally {
          FaultSuiteTest.loss(0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Integer> finished =
            FaultSuiteTest.byKey("b", "org.weverywhere.execution.finished");
        long duplicates =
            finished.entrySet().stream()
                .filter(e -> !before.containsKey(e.getKey()) && e.getValue() > 1)
                .count();
        long ranOnce =
            stream.acknowledged().stream().filter(k -> finished.getOrDefault(k, 0) == 1).count();
        List<Long> nanos = new ArrayList<>(stream.nanos());
        Collections.sort(nanos);
        rows.add(
            String.format(
                "| %d%% | %d / %d (%.2f%%) | %d | %d | %.1f ms | %.0f ms | %.0f s |",
                percent,
                stream.acknowledged().size(),
                count,
                100 * stream.successRate(),
                ranOnce,
                duplicates,
                pct(nanos, 50) / 1e6,
                pct(nanos, 99) / 1e6,
                seconds));
      }
      System.out.println();
      System.out.println(
          "| loss each way | succeeded | acknowledged and journaled once | keys run twice | median"
              + " | p99 | wall |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
      rows.forEach(System.out::println);

      Process b = FaultSuiteTest.daemon("b");
      FaultSuiteTest.NETWORK.run("kill", "-STOP", String.valueOf(b.pid()));
      try {
        List<Long> client = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          long start = System.nanoTime();
          try {
            FaultSuiteTest.udp.request(
                FaultSuiteTest.udpAddress("b"),
                FaultSuiteTest.node("b"),
                new Message.Execute(
                    new Message.LibraryTarget("math"),
                    new Message.Call(
                        "add", List.of(Message.WasmValue.i32(1), Message.WasmValue.i32(1)))),
                FaultSuiteTest.BUDGET);
            throw new AssertionError("a stopped daemon answered");
          } catch (ProtocolException silent) {
            client.add(System.nanoTime() - start);
          }
        }
        List<Long> guest = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          long start = System.nanoTime();
          try {
            Message reply =
                FaultSuiteTest.udp
                    .request(
                        FaultSuiteTest.udpAddress("a"),
                        FaultSuiteTest.node("a"),
                        new Message.Execute(
                            new Message.LibraryTarget("caller"),
                            new Message.Command(
                                List.of("caller", "2", "40", "1"), Map.of(), new byte[0])),
                        Duration.ofSeconds(20))
                    .message();
            if (!(reply instanceof Message.Result r)
                || !new String(r.stderr(), StandardCharsets.UTF_8).contains("WE5024")) {
              throw new AssertionError("expected a trap naming WE5024: " + reply);
            }
          } catch (ProtocolException refusedAtLink) {
            if (!refusedAtLink.getMessage().contains("WE5024")) {
              throw refusedAtLink;
            }
          }
          guest.add(System.nanoTime() - start);
        }
        Collections.sort(client);
        Collections.sort(guest);
        System.out.println();
        System.out.println(
            "| peer stopped (SIGSTOP) | budget | clear error after (median) | slowest |");
        System.out.println("|---|---:|---:|---:|");
        System.out.printf(
            "| client execute to B (10) | %d ms (--timeout) | %.0f ms | %.0f ms |%n",
            FaultSuiteTest.BUDGET.toMillis(), pct(client, 50) / 1e6, pct(client, 100) / 1e6);
        System.out.printf(
            "| guest on A calling B (5) | %d ms (calls.timeout) | %.0f ms | %.0f ms |%n",
            FaultSuiteTest.CALLS_TIMEOUT.toMillis(), pct(guest, 50) / 1e6, pct(guest, 100) / 1e6);
      } finally {
        FaultSuiteTest.NETWORK.run("kill", "-CONT", String.valueOf(b.pid()));
      }
    } finally {
      FaultSuiteTest.removeAll();
    }
  }

  private static double pct(List<Long> sorted, int percent) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
  }
}
