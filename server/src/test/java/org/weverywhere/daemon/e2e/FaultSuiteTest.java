package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.weverywhere.daemon.LossyRelay;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.ControlClient;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Faults a real network has, against real daemons (beans under Weld SE, each a process in a network
 * namespace of its own on a bridge; the client in the root namespace): datagrams lost each way
 * (nftables {@code numgen random} rules inside B's namespace), a daemon killed with {@code kill -9}
 * and restarted mid-stream, a peer stopped with {@code SIGSTOP} in the middle of a service call
 * chain, datagrams duplicated and reordered ({@link LossyRelay}). Needs root, iproute2 and
 * nftables; skipped with the reason otherwise. Names start with {@code we-ft}, addresses are in
 * 10.57.74.0/24, and everything made is removed, however the tests end.
 *
 * <p>{@code -Dweverywhere.faults.executes=N} sets the count of logical executes of the loss case
 * (1,000 by default, as in the bench profile's {@link FaultSuiteBenchmark}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
  static final List<String> HOSTS = List.of("a", "b");
  static final TestNetwork NETWORK = TestNetwork.named("we-ft", "we-ftbr", "10.57.74", HOSTS);
  static final int PORT = 22341;

  /** calls.timeout on A: how long its guest waits for B before it traps. */
  static final Duration CALLS_TIMEOUT = Duration.ofSeconds(3);

  /** What each client exchange may take, retransmissions included: the CLI's default --timeout. */
  static final Duration BUDGET = Duration.ofSeconds(3);

  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  static final MessageSigner CLIENT = new MessageSigner(Ed25519.generate());
  private static final Map<String, DaemonProcess.Running> daemons = new ConcurrentHashMap<>();
  private static final Map<String, Fingerprint> nodes = new ConcurrentHashMap<>();
  private static Path work;
  static UdpClient udp;

  static InetSocketAddress udpAddress(String host) {
    return new InetSocketAddress(NETWORK.address(host), PORT);
  }

  static Fingerprint node(String host) {
    return nodes.get(host);
  }

  /** The process of {@code host}'s daemon (its pid is the JVM's: ip netns exec execs it). */
  static Process daemon(String host) {
    return daemons.get(host).process();
  }

  /** Whether this machine can run the suite; the reason when not. */
  static Optional<String> missing() {
    return TestNetwork.missing("ip", "nft");
  }

  @BeforeAll
  static void hosts() throws Exception {
    Optional<String> missing = missing();
    missing.ifPresent(why -> System.out.println("FaultSuiteTest skipped: " + why));
    assumeTrue(missing.isEmpty(), missing.orElse(""));
    assumeTrue(NETWORK.create(), "could not create the namespaces, bridge and veth pairs");
    work = ScratchDirectories.create("we-ft");
    String b = NETWORK.address("b") + ":" + PORT;
    // B runs the services and takes the executes; quotas large enough that only faults matter
    configure(
        "b",
        List.of("math.wasi", "kv.wasi"),
        "services.math.library = math",
        "services.kv.library = kv",
        "host.quota.cores = 8",
        "group.anonymous.quota.cores = 8",
        "group.anonymous.quota.memory = 256MiB",
        "group.anonymous.quota.network.rate = 10MiB/s");
    // A runs the caller, whose imports are B's services; one slot and one execution's memory, so
    // that a slot or reservation a timed-out call failed to release would refuse the next run
    configure(
        "a",
        List.of("caller.wasi"),
        "services.kv.peer = " + b,
        "services.math.peer = " + b,
        "calls.timeout = " + CALLS_TIMEOUT.toSeconds() + "s",
        "group.anonymous.quota.cores = 1",
        "group.anonymous.quota.memory = 16MiB",
        "group.anonymous.quota.memory.per-execution = 16MiB");
    start("b");
    start("a");
    udp =
        new UdpClient(
            CLIENT,
            new Verifier(
                Clock.systemUTC(),
                Duration.ofSeconds(30),
                new ReplayCache(Duration.ofSeconds(30), 500_000),
                Optional.empty()),
            Clock.systemUTC());
  }

  private static void configure(String host, List<String> libraries, String... lines)
      throws IOException {
    Path dir = Files.createDirectories(work.resolve(host));
    Path modules = Files.createDirectories(dir.resolve("libraries"));
    for (String library : libraries) {
      Files.copy(EXAMPLES.resolve(library), modules.resolve(Path.of(library).getFileName()));
    }
    List<String> config =
        new ArrayList<>(
            List.of(
                "node.name = fault-" + host,
                "state.dir = " + dir.resolve("state"),
                "libraries.dir = " + modules,
                "network.interfaces = " + NETWORK.veth(host),
                "network.port = " + PORT,
                "network.ipv6.enabled = false",
                "group.anonymous.privileges = execute"));
    config.addAll(List.of(lines));
    Files.writeString(dir.resolve("weverywhere.conf"), String.join("\n", config) + "\n");
  }

  /**
   * Starts (or restarts, on the same state directory: same node id, same journal) the daemon of
   * {@code host}.
   */
  static void start(String host) throws Exception {
    Path dir = work.resolve(host);
    var daemon =
        DaemonProcess.Running.start(
            NETWORK.exec(host, DaemonProcess.command(List.of(), dir).toArray(String[]::new)),
            dir.resolve("daemon.log"),
            Duration.ofSeconds(90));
    daemons.put(host, daemon);
    nodes.put(host, daemon.node());
  }

  /**
   * Drops {@code percent} of the UDP datagrams to and from B's daemon port, each way; 0 removes the
   * rules.
   */
  static void loss(int percent) throws Exception {
    NETWORK.run(NETWORK.exec("b", "nft", "delete", "table", "inet", "we_loss"));
    if (percent == 0) {
      return;
    }
    String port = String.valueOf(PORT);
    String chance = String.valueOf(percent);
    boolean set =
        NETWORK.run(NETWORK.exec("b", "nft", "add", "table", "inet", "we_loss"))
            && NETWORK.run(
                NETWORK.exec(
                    "b",
                    "nft",
                    "add",
                    "chain",
                    "inet",
                    "we_loss",
                    "in",
                    "{ type filter hook input priority 0; }"))
            && NETWORK.run(
                NETWORK.exec(
                    "b",
                    "nft",
                    "add",
                    "chain",
                    "inet",
                    "we_loss",
                    "out",
                    "{ type filter hook output priority 0; }"))
            && NETWORK.run(
                NETWORK.exec(
                    "b", "nft", "add", "rule", "inet", "we_loss", "in", "udp", "dport", port,
                    "numgen", "random", "mod", "100", "lt", chance, "drop"))
            && NETWORK.run(
                NETWORK.exec(
                    "b", "nft", "add", "rule", "inet", "we_loss", "out", "udp", "sport", port,
                    "numgen", "random", "mod", "100", "lt", chance, "drop"));
    assertTrue(set, "could not set the nftables loss rules in " + NETWORK.namespace("b"));
  }

  @AfterAll
  static void removeAll() throws Exception {
    for (var daemon : daemons.values()) {
      NETWORK.run("kill", "-CONT", String.valueOf(daemon.pid())); // a stopped daemon cannot say bye
      daemon.close();
    }
    daemons.clear();
    NETWORK.close(); // the nftables rules go with B's namespace
    if (work != null && !Boolean.getBoolean("weverywhere.e2e.keep")) {
      ScratchDirectories.delete(work);
      work = null;
    }
  }

  /** What a stream of logical executes of math.add on B came to. */
  record Stream(
      List<String> acknowledged,
      List<ProtocolException> failed,
      List<Long> nanos,
      long slowestFailureNanos) {
    double successRate() {
      return (double) acknowledged.size() / (acknowledged.size() + failed.size());
    }
  }

  /**
   * {@code count} logical executes of math.add(i, 1) on B from {@code threads} client threads, each
   * keyed and retransmitted within {@link #BUDGET}; every result is checked.
   */
  static Stream executes(InetSocketAddress to, int count, int threads) throws Exception {
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    List<ProtocolException> failed = Collections.synchronizedList(new ArrayList<>());
    List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    long[] slowestFailure = new long[1];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                      Message.Execute add =
                          new Message.Execute(
                                  new Message.LibraryTarget("math"),
                                  new Message.Call(
                                      "add",
                                      List.of(Message.WasmValue.i32(i), Message.WasmValue.i32(1))))
                              .withKey(RequestKey.random());
                      long start = System.nanoTime();
                      try {
                        Message reply = udp.request(to, node("b"), add, BUDGET).message();
                        if (!(reply instanceof Message.Result r)
                            || !r.values().equals(List.of(Message.WasmValue.i32(i + 1)))) {
                          throw new AssertionError("math.add(" + i + ", 1) answered " + reply);
                        }
                        nanos.add(System.nanoTime() - start);
                        acknowledged.add(add.key().orElseThrow().toString());
                      } catch (ProtocolException lost) {
                        synchronized (slowestFailure) {
                          slowestFailure[0] =
                              Math.max(slowestFailure[0], System.nanoTime() - start);
                        }
                        failed.add(lost);
                      }
                    }
                  }));
    }
    for (Thread worker : workers) {
      worker.join(Duration.ofMinutes(10));
      assertTrue(!worker.isAlive(), "a client thread is still running after 10 minutes");
    }
    return new Stream(
        List.copyOf(acknowledged), List.copyOf(failed), List.copyOf(nanos), slowestFailure[0]);
  }

  /** The journal of {@code host}: events of {@code type} counted by request key. */
  static Map<String, Integer> byKey(String host, String type) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    var json = new ObjectMapper();
    try (var files = Files.walk(work.resolve(host).resolve("state"))) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".jsonl"))
              .toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.startsWith("{")) {
            continue; // a torn last line after kill -9 is cut by the daemon on restart
          }
          JsonNode event = json.readTree(line);
          if (event.path("type").asText().equals(type) && event.path("data").has("requestKey")) {
            counts.merge(event.path("data").path("requestKey").asText(), 1, Integer::sum);
          }
        }
      }
    }
    return counts;
  }

  /** Keys that ran more than once. */
  static Map<String, Integer> duplicates(Map<String, Integer> finished) {
    Map<String, Integer> twice = new TreeMap<>();
    finished.forEach(
        (key, n) -> {
          if (n > 1) {
            twice.put(key, n);
          }
        });
    return twice;
  }

  @Test
  @Order(1)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void atTwentyPercentLossEachWayAlmostEveryExecuteSucceedsAndEachRunsOnce() throws Exception {
    int count = Integer.getInteger("weverywhere.faults.executes", 1_000);
    loss(20);
    Stream stream;
    try {
      stream = executes(udpAddress("b"), count, 4);
    } finally {
      loss(0);
    }
    System.out.printf(
        "FaultSuiteTest: 20%% loss each way: %d of %d executes succeeded (%.2f%%)%n",
        stream.acknowledged().size(), count, 100 * stream.successRate());
    assertTrue(
        stream.successRate() >= 0.999,
        stream.acknowledged().size()
            + " of "
            + count
            + " succeeded; first"
            + " failures: "
            + stream.failed().stream().limit(3).map(Throwable::getMessage).toList());
    assertTrue(
        stream.failed().stream().allMatch(f -> f.reason() == ProtocolException.Reason.NO_ANSWER),
        "failures other than silence: " + stream.failed());
    Map<String, Integer> finished = byKey("b", "org.weverywhere.execution.finished");
    for (String key : stream.acknowledged()) {
      assertEquals(
          1, finished.getOrDefault(key, 0), "execution.finished events of acknowledged key " + key);
    }
    assertEquals(Map.of(), duplicates(finished), "keys that ran twice");
  }

  @Test
  @Order(2)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void duplicatedAndReorderedDatagramsNeverRunAnExecuteTwice() throws Exception {
    // every other datagram twice, a third held back 60 ms so later ones overtake it, and a tenth
    // lost
    // so that the client retransmits while older copies are still on their way
    var faults = new LossyRelay.Faults(0.1, 0.5, 0.3, 60, 0);
    Stream stream;
    try (var relay = new LossyRelay(udpAddress("b"), faults, faults, 42)) {
      stream = executes(relay.address(), 300, 1); // the relay serves one client socket
    }
    assertTrue(
        stream.successRate() >= 0.99, stream.acknowledged().size() + " of 300: " + stream.failed());
    Map<String, Integer> finished = byKey("b", "org.weverywhere.execution.finished");
    for (String key : stream.acknowledged()) {
      assertEquals(1, finished.getOrDefault(key, 0), "execution.finished events of key " + key);
    }
    assertEquals(Map.of(), duplicates(finished), "keys that ran twice");
  }

  private static Message runCaller(Duration budget) {
    return udp.request(
            udpAddress("a"),
            node("a"),
            new Message.Execute(
                new Message.LibraryTarget("caller"),
                new Message.Command(List.of("caller", "2", "40", "1"), Map.of(), new byte[0])),
            budget)
        .message();
  }

  @Test
  @Order(3)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aPeerStoppedMidChainGivesAClearTimeoutWithinCallsTimeoutAndTheChainRecovers()
      throws Exception {
    var before = assertInstanceOf(Message.Result.class, runCaller(Duration.ofSeconds(20)));
    assertEquals(
        "completed", before.outcome(), new String(before.stderr(), StandardCharsets.UTF_8));
    Process b = daemon("b");
    assertTrue(NETWORK.run("kill", "-STOP", String.valueOf(b.pid())));
    try {
      for (int round = 0;
          round < 2;
          round++) { // the second run would be refused if the first kept its slot
        long start = System.nanoTime();
        String error;
        try {
          // while A still knows B's signatures (5 s) the guest's call times out and it traps;
          // later,
          // linking asks B to describe itself, in half of calls.timeout, and the run is refused
          var trapped = assertInstanceOf(Message.Result.class, runCaller(Duration.ofSeconds(20)));
          error = new String(trapped.stderr(), StandardCharsets.UTF_8);
          assertEquals("trapped", trapped.outcome(), error);
          assertTrue(error.contains("did not answer call in"), error);
        } catch (ProtocolException refused) {
          error = refused.getMessage();
          assertTrue(error.contains("did not answer describe in"), error);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(error.contains("WE5024"), error);
        System.out.printf(
            "FaultSuiteTest: stopped peer: clear error after %d ms (calls.timeout %d ms): %s%n",
            millis, CALLS_TIMEOUT.toMillis(), error.strip().lines().reduce((x, y) -> y).orElse(""));
        assertTrue(
            millis < CALLS_TIMEOUT.toMillis() + 2_000, "the error came after " + millis + " ms");
        assertNothingHeld("a");
      }
    } finally {
      assertTrue(NETWORK.run("kill", "-CONT", String.valueOf(b.pid())));
    }
    var after = assertInstanceOf(Message.Result.class, runCaller(Duration.ofSeconds(20)));
    assertEquals("completed", after.outcome(), new String(after.stderr(), StandardCharsets.UTF_8));
    assertTrue(
        new String(after.stdout(), StandardCharsets.UTF_8).startsWith("math.add(2, 40) = 42\n"),
        new String(after.stdout(), StandardCharsets.UTF_8));
  }

  /** The host's control socket says no execution slot and no memory is held. */
  private static void assertNothingHeld(String host) {
    Path socket = work.resolve(host).resolve("state").resolve("control.sock");
    try (var control = ControlClient.connect(socket, Clock.systemUTC())) {
      Message.Report status =
          control.request(new Message.Control("status", Map.of()), Duration.ofSeconds(5));
      @SuppressWarnings("unchecked")
      Map<String, Object> usage = (Map<String, Object>) status.data().get("host");
      assertEquals(
          0L, ((Number) usage.get("slots")).longValue(), "slots held on " + host + ": " + usage);
      assertEquals(
          0L,
          ((Number) usage.get("memory-bytes")).longValue(),
          "memory held on " + host + ": " + usage);
    }
  }

  @Test
  @Order(4)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aDaemonKilledAndRestartedMidStreamLosesNoAcknowledgedExecutionAndRunsNoneTwice()
      throws Exception {
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> asked = new ConcurrentHashMap<>();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    // keys whose request ran just before the kill, its reply lost with the daemon: the retry to
    // the restarted daemon is told so (WE5061, the key read back from the journal), not run again
    List<String> ranBeforeTheKill = Collections.synchronizedList(new ArrayList<>());
    long[] slowest = new long[1];
    AtomicInteger restarted = new AtomicInteger();
    AtomicInteger afterRestart = new AtomicInteger();
    Thread stream =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                  for (int i = 0;
                      i < 2_000 && System.nanoTime() < end && afterRestart.get() < 50;
                      i++) {
                    Message.Execute add =
                        new Message.Execute(
                                new Message.LibraryTarget("math"),
                                new Message.Call(
                                    "add",
                                    List.of(Message.WasmValue.i32(i), Message.WasmValue.i32(1))))
                            .withKey(RequestKey.random());
                    asked.put(add.key().orElseThrow().toString(), i);
                    long start = System.nanoTime();
                    try {
                      Message reply =
                          udp.request(udpAddress("b"), node("b"), add, BUDGET).message();
                      if (reply instanceof Message.Result r
                          && r.values().equals(List.of(Message.WasmValue.i32(i + 1)))) {
                        acknowledged.add(add.key().orElseThrow().toString());
                        if (restarted.get() > 0) {
                          afterRestart.incrementAndGet();
                        }
                      } else {
                        errors.add("unexpected answer " + reply);
                      }
                    } catch (ProtocolException clear) {
                      if (clear.getMessage().contains("(WE5061)")) {
                        ranBeforeTheKill.add(add.key().orElseThrow().toString());
                      } else if (clear.reason() != ProtocolException.Reason.NO_ANSWER) {
                        errors.add(clear.getMessage());
                      }
                    }
                    slowest[0] = Math.max(slowest[0], System.nanoTime() - start);
                  }
                });
    for (int i = 0; i < 600 && acknowledged.size() < 100; i++) {
      Thread.sleep(50); // bounded polling: the stream runs at its own pace
    }
    assertTrue(
        acknowledged.size() >= 100,
        "the stream did not get going: " + acknowledged.size() + " " + errors);
    Process b = daemon("b");
    b.destroyForcibly(); // SIGKILL: no bye, no flush beyond what the journal already synced
    assertTrue(b.waitFor(10, TimeUnit.SECONDS));
    int beforeRestart = acknowledged.size();
    start("b");
    restarted.incrementAndGet();
    stream.join(Duration.ofMinutes(4));
    assertTrue(!stream.isAlive(), "the stream is still running");
    System.out.printf(
        "FaultSuiteTest: kill -9 and restart: %d acknowledged (%d before the kill, %d after the"
            + " restart), slowest answer or error after %d ms%n",
        acknowledged.size(), beforeRestart, afterRestart.get(), slowest[0] / 1_000_000);
    assertEquals(
        List.of(), errors, "answers other than a result, a clear NO_ANSWER or WE5061 (ran once)");
    assertTrue(afterRestart.get() >= 50, "executes did not work again after the restart");
    assertTrue(
        slowest[0] < BUDGET.toNanos() + Duration.ofSeconds(1).toNanos(),
        "a client waited "
            + slowest[0] / 1_000_000
            + " ms, past its budget of "
            + BUDGET.toMillis()
            + " ms");
    Map<String, Integer> finished = byKey("b", "org.weverywhere.execution.finished");
    for (String key : acknowledged) {
      assertEquals(
          1, finished.getOrDefault(key, 0), "execution.finished events of acknowledged key " + key);
    }
    assertEquals(Map.of(), duplicates(finished), "keys that ran twice");
    for (String key : ranBeforeTheKill) {
      assertEquals(1, finished.getOrDefault(key, 0), "a key told WE5061 ran exactly once: " + key);
    }

    // a retry that reaches the restarted daemon: the key, read back from the journal, is not run
    // again
    String before = acknowledged.getFirst();
    int i = asked.get(before);
    var again =
        new Message.Execute(
                new Message.LibraryTarget("math"),
                new Message.Call(
                    "add", List.of(Message.WasmValue.i32(i), Message.WasmValue.i32(1))))
            .withKey(RequestKey.of(java.util.HexFormat.of().parseHex(before)));
    ProtocolException told =
        org.junit.jupiter.api.Assertions.assertThrows(
            ProtocolException.class, () -> udp.request(udpAddress("b"), node("b"), again, BUDGET));
    assertTrue(
        told.getMessage().contains("WE5061") && told.getMessage().contains("not run again"),
        told.getMessage());
    assertEquals(1, byKey("b", "org.weverywhere.execution.finished").get(before));
  }
}
