package org.weverywhere.service.bench;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.ExecutionRequest;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.service.Services;
import org.weverywhere.trust.Ed25519;

/**
 * Service calls on one machine: a local call of {@code math.add} on a kept instance (in-process, as
 * an import of a local service or the request handler makes it) against the reference of the same
 * function executed in a fresh instance; a remote {@code call} over loopback UDP against a remote
 * {@code execute} of the same function; throughput from 2 threads with 1 and 2 instances. The
 * daemon is its real beans under Weld SE.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl shared,server integration-test -DskipTests}
 */
public final class ServiceBenchmark {
  private static final List<WasmValue> ARGS = List.of(new WasmValue.I32(2), new WasmValue.I32(40));
  private static final List<Message.WasmValue> WIRE_ARGS =
      List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40));

  private ServiceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path examples =
        Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
    Path dir = ScratchDirectories.create("we-service-bench");
    Path libraries = Files.createDirectories(dir.resolve("libraries"));
    Files.copy(examples.resolve("math.wasi"), libraries.resolve("math.wasi"));
    int port;
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "state.dir = " + dir.resolve("state"),
            "libraries.dir = " + libraries,
            "node.name = bench",
            "network.port = " + port,
            "executor.engine = " + System.getProperty("engine", "wasmtime"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.cores = 2",
            "group.anonymous.quota.network.rate = 1GiB/s",
            "group.anonymous.quota.network.period-bytes = 1000GiB",
            "host.quota.network.rate = 1GiB/s",
            "host.quota.network.period-bytes = 1000GiB",
            "services.one.library = math",
            "services.one.instances = 1",
            "services.two.library = math",
            "services.two.instances = 2",
            ""));
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    try (WeldContainer weld = DaemonParts.weld().initialize()) {
      Daemon daemon = weld.select(Daemon.class).get();
      Services services = weld.select(Services.class).get();
      Executor executor = weld.select(Executor.class).get();
      var node = daemon.identity().nodeId();
      System.out.printf(
          "daemon %s on loopback, engine %s, %d cores, Java %s%n",
          node.shortForm(),
          daemon.config().executor().engine(),
          Runtime.getRuntime().availableProcessors(),
          Runtime.version());

      byte[] math = Files.readAllBytes(examples.resolve("math.wasi"));
      var anonymous = new AdmittedGroup("anonymous", false);
      Callable<ExecutionOutcome> fresh =
          () -> executor.execute(new ExecutionRequest.FunctionCall(math, "add", ARGS, anonymous));
      Callable<ExecutionOutcome> kept =
          () -> services.call("one", "add", ARGS, List.of("anonymous"));
      long[] localFresh = latencies(fresh, 2_000, 10_000);
      long[] localKept = latencies(kept, 20_000, 50_000);
      double keptOne =
          throughput(() -> services.call("one", "add", ARGS, List.of("anonymous")), 2, 50_000);
      double keptTwo =
          throughput(() -> services.call("two", "add", ARGS, List.of("anonymous")), 2, 50_000);

      var target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      var udp =
          new UdpClient(
              new MessageSigner(Ed25519.generate()),
              Verifier.of(Clock.systemUTC(), Optional.empty(), 1_000_000),
              Clock.systemUTC());
      Message execute =
          new Message.Execute(
              new Message.LibraryTarget("math"), new Message.Call("add", WIRE_ARGS));
      Message call = new Message.ServiceCall("one", "add", WIRE_ARGS);
      long[] remoteExecute =
          latencies(
              () -> udp.request(target, node, execute, Duration.ofSeconds(1), 3), 2_000, 5_000);
      long[] remoteCall =
          latencies(() -> udp.request(target, node, call, Duration.ofSeconds(1), 3), 2_000, 5_000);
      double remoteOne = throughput(clientCalls(target, node, "one"), 2, 3_000);
      double remoteTwo = throughput(clientCalls(target, node, "two"), 2, 3_000);

      System.out.println();
      System.out.println("| measure | median | p99 |");
      System.out.println("|---|---:|---:|");
      System.out.printf(
          "| local service call math.add, kept instance (50,000 calls) | %.1f µs | %.1f µs |%n",
          pct(localKept, 50) / 1e3, pct(localKept, 99) / 1e3);
      System.out.printf(
          "| reference: execute math.add in a fresh instance (10,000) | %.1f µs | %.1f µs |%n",
          pct(localFresh, 50) / 1e3, pct(localFresh, 99) / 1e3);
      System.out.printf(
          "| remote service call math.add over loopback UDP (5,000) | %.0f µs | %.0f µs |%n",
          pct(remoteCall, 50) / 1e3, pct(remoteCall, 99) / 1e3);
      System.out.printf(
          "| reference: remote execute math.add over loopback UDP (5,000) | %.0f µs | %.0f µs |%n",
          pct(remoteExecute, 50) / 1e3, pct(remoteExecute, 99) / 1e3);
      System.out.printf(
          "%nratios (median): kept vs fresh instance %.2fx, remote call vs remote execute %.2fx%n",
          (double) pct(localKept, 50) / pct(localFresh, 50),
          (double) pct(remoteCall, 50) / pct(remoteExecute, 50));
      System.out.printf(
          "throughput from 2 threads, local: %,.0f calls/s with 1 instance, %,.0f with 2%n",
          keptOne, keptTwo);
      System.out.printf(
          "throughput from 2 clients, remote UDP: %,.0f calls/s with 1 instance, %,.0f with 2%n",
          remoteOne, remoteTwo);
    }
  }

  private static Callable<Object> clientCalls(
      InetSocketAddress target, org.weverywhere.trust.Fingerprint node, String service) {
    // one client (key, socket) per thread, as separate callers would be
    ThreadLocal<UdpClient> clients =
        ThreadLocal.withInitial(
            () ->
                new UdpClient(
                    new MessageSigner(Ed25519.generate()),
                    Verifier.of(Clock.systemUTC(), Optional.empty(), 1_000_000),
                    Clock.systemUTC()));
    Message call = new Message.ServiceCall(service, "add", WIRE_ARGS);
    // add is pure, so a datagram lost under load may be sent again (a host never retries calls)
    return () -> clients.get().request(target, node, call, Duration.ofSeconds(1), 3);
  }

  private static long[] latencies(Callable<?> work, int warmup, int count) throws Exception {
    for (int i = 0; i < warmup; i++) {
      check(work.call());
    }
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      Object result = work.call();
      times[i] = System.nanoTime() - start;
      check(result);
    }
    return times;
  }

  private static double throughput(Callable<?> work, int threads, int perThread) throws Exception {
    for (int i = 0; i < 1_000; i++) {
      check(work.call());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    check(work.call());
                  }
                  return null;
                }));
      }
      for (var run : runs) {
        run.get();
      }
      return (double) threads * perThread / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  /** A benchmark of failures measures nothing: every answer must be 42. */
  private static void check(Object result) {
    Object value =
        result instanceof org.weverywhere.protocol.SignedMessage signed ? signed.message() : result;
    boolean right =
        switch (value) {
          case ExecutionOutcome.Completed c ->
              c.result().equals(new ExecutionOutcome.Returned(List.of(new WasmValue.I32(42))));
          case Message.Result r -> r.values().equals(List.of(Message.WasmValue.i32(42)));
          default -> false;
        };
    if (!right) {
      throw new AssertionError("unexpected answer: " + value);
    }
  }

  private static long pct(long[] values, int percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
  }
}
