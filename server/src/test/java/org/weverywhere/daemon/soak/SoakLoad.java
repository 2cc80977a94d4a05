package org.weverywhere.daemon.soak;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.weverywhere.WeverywhereException;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.ControlClient;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Daemons;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The soak's load: {@code clients} threads, each its own signer and clients, pacing itself to its
 * share of {@code rate} requests per second and cycling through the kinds of {@link SoakKind} by
 * their weights. Each answer is checked. What the requests came to is counted per interval in
 * fixed-size histograms and counters that {@link #interval()} hands over and starts afresh, so the
 * load's own memory does not grow with the run.
 */
final class SoakLoad implements AutoCloseable {
  /** What each exchange may take, retransmissions included: the CLI's default {@code --timeout}. */
  static final Duration BUDGET = Duration.ofSeconds(3);

  /** Distinct kv keys the calls use: the kv service's table (1,024 slots) never fills. */
  static final int KV_KEYS = 256;

  /** Distinct failure texts kept for the report; further ones are only counted. */
  static final int MESSAGES_KEPT = 40;

  private final SoakTarget target;
  private final byte[] fetched;
  private final double rate;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;
  private final AtomicReference<Interval> current = new AtomicReference<>(new Interval());
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

  /** One interval's counts per kind. */
  static final class Interval {
    final long startNanos = System.nanoTime();
    final Map<SoakKind, Counts> kinds = new EnumMap<>(SoakKind.class);

    Interval() {
      for (SoakKind k : SoakKind.values()) {
        kinds.put(k, new Counts());
      }
    }
  }

  static final class Counts {
    final LatencyHistogram ok = new LatencyHistogram();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
  }

  /**
   * @param fetched the bytes the daemon must serve for {@code fetch math}
   */
  SoakLoad(SoakTarget target, byte[] fetched, int clients, double rate) {
    if (clients < 1 || clients > 64) {
      throw new IllegalArgumentException("soak clients must be 1..64, not " + clients);
    }
    if (!(rate > 0) || rate > 10_000) {
      throw new IllegalArgumentException("soak rate must be above 0 and at most 10000/s: " + rate);
    }
    this.target = target;
    this.fetched = fetched.clone();
    this.rate = rate;
    for (int i = 0; i < clients; i++) {
      int id = i;
      workers.add(
          Thread.ofPlatform().name("soak-client-" + i).daemon().start(() -> run(id, clients)));
    }
  }

  /** Hands over the interval that ends now and starts the next. */
  Interval interval() {
    return current.getAndSet(new Interval());
  }

  /** Failure texts with their counts, most frequent first, at most {@link #MESSAGES_KEPT}. */
  List<String> failures() {
    return failures.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
        .map(e -> e.getValue().get() + " × " + e.getKey())
        .toList();
  }

  private void run(int id, int clients) {
    MessageSigner me = new MessageSigner(Ed25519.generate());
    Clock clock = Clock.systemUTC();
    // replay caches bounded in entries: duplicate answers are dropped, memory is not spent on them
    // describe pages through the shared client of daemons, as the CLI does; its UDP client
    // carries the other UDP requests
    Daemons daemons =
        new Daemons(
            () -> me,
            Verifier.of(clock, Optional.empty(), 10_000),
            clock,
            () -> {
              throw new IllegalStateException("the soak discovers with its own Discovery");
            },
            new Daemons.Waits(BUDGET, Duration.ofSeconds(5), Duration.ofSeconds(30)),
            note -> {});
    BulkClient bulk =
        new BulkClient(
            me,
            Verifier.of(clock, Optional.empty(), 10_000),
            clock,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            WireLimits.HTTP);
    Discovery discovery;
    try {
      discovery =
          new Discovery(
              me,
              Verifier.of(clock, Optional.empty(), 10_000),
              target.groups(),
              List.of(NetworkInterface.getByName("lo")),
              0,
              clock);
    } catch (SocketException e) {
      throw new IllegalStateException("no loopback interface to discover on", e);
    }
    SoakKind[] cycle = SoakKind.cycle();
    long interval = (long) (1e9 * clients / rate);
    long next = System.nanoTime() + interval * id / clients; // spread the clients' phases
    long n = id;
    while (running) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      // behind by more than a second (the daemon or the machine was slow): no burst to catch up
      next = Math.max(next + interval, System.nanoTime() - 1_000_000_000L);
      SoakKind kind = cycle[(int) (n % cycle.length)];
      long i = n++;
      Counts counts = current.get().kinds.get(kind);
      long start = System.nanoTime();
      try {
        once(kind, i, daemons, bulk, discovery, clock);
        counts.ok.record(System.nanoTime() - start);
      } catch (ProtocolException e) {
        boolean refusal =
            switch (e.reason()) {
              case REFUSED, QUOTA_EXCEEDED, BUSY, NOT_PERMITTED, NOT_MEMBER -> true;
              default -> false;
            };
        (refusal ? counts.refused : counts.errors).incrementAndGet();
        note(kind, e.getMessage());
      } catch (WeverywhereException | AssertionError | IllegalStateException e) {
        // a reporting boundary: whatever one request came to is counted, and the load goes on
        counts.errors.incrementAndGet();
        note(kind, e.getMessage());
      }
    }
  }

  private void note(SoakKind kind, String message) {
    String text = kind.label() + ": " + String.valueOf(message).replaceAll("[0-9a-f]{16,}", "…");
    AtomicLong count = failures.get(text);
    if (count == null && failures.size() < MESSAGES_KEPT) {
      count = failures.computeIfAbsent(text, t -> new AtomicLong());
    }
    if (count != null) {
      count.incrementAndGet();
    }
  }

  private void once(
      SoakKind kind, long i, Daemons daemons, BulkClient bulk, Discovery discovery, Clock clock) {
    UdpClient udp = daemons.udp();
    switch (kind) {
      case DISCOVER -> {
        boolean[] heard = {false};
        discovery.discover(
            Duration.ofSeconds(2), 1, a -> heard[0] |= a.node().equals(target.node()));
        if (!heard[0]) {
          throw new AssertionError("discover: the daemon did not answer within 2 s");
        }
      }
      case DESCRIBE -> {
        var description =
            daemons.describe(
                new DaemonAddress(target.node(), target.udp(), 0), List.of(), Daemons.Route.UDP);
        if (description.libraries().isEmpty()) {
          throw new AssertionError("describe: no libraries described");
        }
      }
      case EXECUTE -> {
        if (i % 4 == 3) {
          Message.Result r =
              result(
                  udp.request(
                          target.udp(),
                          target.node(),
                          new Message.Execute(
                                  new Message.LibraryTarget("hello"),
                                  new Message.Command(
                                      List.of("hello", "soak", Long.toString(i)),
                                      Map.of(),
                                      new byte[0]))
                              .withKey(RequestKey.random()),
                          BUDGET)
                      .message());
          String out = new String(r.stdout(), StandardCharsets.UTF_8);
          if (r.exit() != 0 || !out.contains("arg[2]=" + i)) {
            throw new AssertionError("execute hello: exit " + r.exit() + ", stdout " + out);
          }
        } else {
          int a = (int) (i % 100_000);
          Message.Result r =
              result(
                  udp.request(
                          target.udp(),
                          target.node(),
                          new Message.Execute(
                                  new Message.LibraryTarget("math"),
                                  new Message.Call(
                                      "add",
                                      List.of(Message.WasmValue.i32(a), Message.WasmValue.i32(1))))
                              .withKey(RequestKey.random()),
                          BUDGET)
                      .message());
          expect("execute math.add", r, Message.WasmValue.i32(a + 1));
        }
      }
      case CALL -> {
        long key = i % KV_KEYS;
        switch ((int) (i % 3)) {
          case 0 -> {
            Message.Result r = call(udp, "kv", "put", i64(key), i64(i));
            if (r.values().size() != 1
                || !(r.values().get(0).equals(Message.WasmValue.i32(0))
                    || r.values().get(0).equals(Message.WasmValue.i32(1)))) {
              throw new AssertionError("call kv.put answered " + r.values());
            }
          }
          case 1 -> {
            Message.Result r = call(udp, "kv", "get", i64(key), i64(-1));
            if (r.values().size() != 1 || !r.values().get(0).type().equals("i64")) {
              throw new AssertionError("call kv.get answered " + r.values());
            }
          }
          default ->
              expect(
                  "call math.add",
                  call(udp, "math", "add", Message.WasmValue.i32(40), Message.WasmValue.i32(2)),
                  Message.WasmValue.i32(42));
        }
      }
      case FETCH -> {
        Message reply =
            bulk.request(target.http(), target.node(), new Message.Fetch("math", Optional.empty()))
                .message();
        if (!(reply instanceof Message.ModuleReply module)
            || !Arrays.equals(module.module(), fetched)) {
          throw new AssertionError("fetch math: not the library's bytes: " + reply.type());
        }
      }
      case CONTROL -> {
        try (ControlClient control = ControlClient.connect(target.controlSocket(), clock)) {
          Message.Report report =
              control.request(new Message.Control("status", Map.of()), Duration.ofSeconds(5));
          if (!"status".equals(report.action()) || report.data().isEmpty()) {
            throw new AssertionError("control status answered " + report.action());
          }
        }
      }
    }
  }

  private Message.Result call(
      UdpClient udp, String service, String function, Message.WasmValue... args) {
    return result(
        udp.request(
                target.udp(),
                target.node(),
                new Message.ServiceCall(service, function, List.of(args))
                    .withKey(RequestKey.random()),
                BUDGET)
            .message());
  }

  private static Message.WasmValue i64(long v) {
    return new Message.WasmValue("i64", v);
  }

  private static Message.Result result(Message reply) {
    if (!(reply instanceof Message.Result r)) {
      throw new AssertionError("answered " + reply.type() + " instead of a result");
    }
    if (!"completed".equals(r.outcome())) {
      throw new AssertionError(
          "outcome "
              + r.outcome()
              + ": "
              + new String(r.stderr(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
    }
    return r;
  }

  private static void expect(String what, Message.Result r, Message.WasmValue value) {
    if (!r.values().equals(List.of(value))) {
      throw new AssertionError(what + " answered " + r.values() + ", expected " + value);
    }
  }

  /** Stops the clients; each ends its request in flight (within its budget) and stops. */
  @Override
  public void close() {
    running = false;
    for (Thread t : workers) {
      try {
        t.join(BUDGET.multipliedBy(3).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
