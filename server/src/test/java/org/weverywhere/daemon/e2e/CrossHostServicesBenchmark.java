package org.weverywhere.daemon.e2e;

import java.util.Arrays;
import java.util.List;
import org.weverywhere.protocol.Message;

/**
 * A service call across network namespaces: the client in the root namespace calls {@code math.add}
 * of the service on host C (its own namespace, over the bridge and a veth pair), against the
 * reference of a remote {@code execute} of the same function on C, with the hosts of {@link
 * CrossHostServicesTest}. Needs root and iproute2; creates and removes {@code we-sv*}.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests}
 */
public final class CrossHostServicesBenchmark {
  private CrossHostServicesBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      System.out.println(
          "CrossHostServicesBenchmark skipped: needs root to create network namespaces");
      return;
    }
    try {
      CrossHostServicesTest.hosts();
      var wire = List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40));
      Message call = new Message.ServiceCall("math", "add", wire);
      Message execute =
          new Message.Execute(new Message.LibraryTarget("math"), new Message.Call("add", wire));
      long[] calls = time(call, 1_000, 3_000);
      long[] executes = time(execute, 1_000, 3_000);
      System.out.println();
      System.out.println(
          "| measure, client in the root namespace, host C in its own | median | p99 |");
      System.out.println("|---|---:|---:|");
      System.out.printf(
          "| service call math.add across namespaces (3,000) | %.0f µs | %.0f µs |%n",
          pct(calls, 50) / 1e3, pct(calls, 99) / 1e3);
      System.out.printf(
          "| reference: execute math.add across namespaces (3,000) | %.0f µs | %.0f µs |%n",
          pct(executes, 50) / 1e3, pct(executes, 99) / 1e3);
      System.out.printf(
          "%nratio (median): call vs execute %.2fx%n", (double) pct(calls, 50) / pct(executes, 50));
    } finally {
      CrossHostServicesTest.removeAll();
    }
  }

  private static long[] time(Message message, int warmup, int count) {
    for (int i = 0; i < warmup; i++) {
      check(CrossHostServicesTest.askRetrying("c", message));
    }
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      Message reply = CrossHostServicesTest.askRetrying("c", message);
      times[i] = System.nanoTime() - start;
      check(reply);
    }
    return times;
  }

  private static void check(Message reply) {
    if (!(reply instanceof Message.Result result)
        || !result.values().equals(List.of(Message.WasmValue.i32(42)))) {
      throw new AssertionError("unexpected answer: " + reply);
    }
  }

  private static long pct(long[] values, int percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }
}
