package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.FanOut;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * The fan-out's bookkeeping, with the network replaced by what each daemon would answer (an answer,
 * an error reply, silence): places are replaced only while candidates are left, no daemon is asked
 * twice, results are handed on as they end, and the bound ends a fan-out that hangs. The same code
 * against real daemons: CliFleetIT and FleetNamespacesTest in the server module.
 */
class FanOutTest {
  private static final List<DiscoveredPeer> PEERS =
      IntStream.range(0, 6)
          .mapToObj(
              i ->
                  new DiscoveredPeer(
                      Fingerprint.of(Ed25519.generate().getPublic()),
                      "d" + i,
                      new InetSocketAddress("127.0.0.1", 22341),
                      22341,
                      List.of()))
          .toList();

  private static Message.Result result(int exit) {
    return new Message.Result("completed", exit, new byte[0], new byte[0], List.of(), 1, 1, 0);
  }

  private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
  private final List<FanOut.Attempt<DiscoveredPeer>> streamed =
      Collections.synchronizedList(new ArrayList<>());

  private FanOut.Summary<DiscoveredPeer> run(
      int wanted, Function<DiscoveredPeer, Message.Result> daemon) {
    return new FanOut<DiscoveredPeer>(4, Duration.ofSeconds(10))
        .run(
            PEERS,
            wanted,
            peer -> {
              asked.computeIfAbsent(peer.name(), n -> new AtomicInteger()).incrementAndGet();
              return daemon.apply(peer);
            },
            r -> r.exit() == 0,
            streamed::add);
  }

  @Test
  void everyCandidateOnceWhenAllAreWanted() {
    FanOut.Summary<DiscoveredPeer> summary = run(PEERS.size(), peer -> result(0));
    assertTrue(summary.complete());
    assertEquals(6, summary.succeeded());
    assertEquals(6, streamed.size());
    asked.values().forEach(count -> assertEquals(1, count.get()));
  }

  @Test
  void refusalsAndSilenceGiveTheirPlaceToTheNextCandidate() {
    // d0 refuses (quota), d1 stops answering: two places of three go to d3 and d4; d5 is never
    // asked
    FanOut.Summary<DiscoveredPeer> summary =
        run(
            3,
            peer ->
                switch (peer.name()) {
                  case "d0" ->
                      throw new ProtocolException(
                          Reason.QUOTA_EXCEEDED, "d0 refused: quota 'cores' exceeded");
                  case "d1" ->
                      throw new ProtocolException(
                          Reason.NO_ANSWER, "d1 did not answer within 1000 ms");
                  default -> result(0);
                });
    assertTrue(summary.complete(), summary.toString());
    assertEquals(3, summary.succeeded());
    assertEquals(1, summary.count(FanOut.Refused.class));
    assertEquals(1, summary.count(FanOut.Lost.class));
    assertEquals(Map.of("d0", 1, "d1", 1, "d2", 1, "d3", 1, "d4", 1), counts());
    FanOut.Refused refused =
        (FanOut.Refused)
            streamed.stream().filter(a -> a.peer().name().equals("d0")).findFirst().orElseThrow();
    assertEquals("WE5022", refused.code());
  }

  @Test
  void aGuestThatFailsKeepsItsPlace() {
    // the work ran and failed there: running it elsewhere would run it twice
    FanOut.Summary<DiscoveredPeer> summary =
        run(2, peer -> result(peer.name().equals("d0") ? 3 : 0));
    assertFalse(summary.complete());
    assertEquals(1, summary.succeeded());
    assertEquals(Map.of("d0", 1, "d1", 1), counts());
  }

  @Test
  void withNoCandidateLeftAPlaceStaysEmpty() {
    FanOut.Summary<DiscoveredPeer> summary =
        run(
            6,
            peer -> {
              throw new ProtocolException(Reason.TRANSPORT, peer.name() + ": connection refused");
            });
    assertFalse(summary.complete());
    assertEquals(0, summary.succeeded());
    assertEquals(6, summary.count(FanOut.Lost.class));
    asked.values().forEach(count -> assertEquals(1, count.get()));
  }

  @Test
  void moreWantedThanThereAreCandidatesIsIncomplete() {
    FanOut.Summary<DiscoveredPeer> summary = run(10, peer -> result(0));
    assertEquals(6, summary.succeeded());
    assertEquals(10, summary.wanted());
    assertFalse(summary.complete());
  }

  @Test
  void resultsAreHandedOnAsEachDaemonEnds() throws Exception {
    CountDownLatch slowMayEnd = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    new FanOut<DiscoveredPeer>(4, Duration.ofSeconds(10))
        .run(
            PEERS.subList(0, 2),
            2,
            peer -> {
              if (peer.name().equals("d0")) {
                try {
                  assertTrue(slowMayEnd.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              }
              return result(0);
            },
            r -> true,
            attempt -> {
              order.add(attempt.peer().name());
              slowMayEnd.countDown(); // d0 ends only after d1's result was handed on
            });
    assertEquals(List.of("d1", "d0"), order);
  }

  @Test
  void theBoundEndsAFanOutThatHangsAndReportsWhatWasCutAsLost() {
    long start = System.nanoTime();
    FanOut.Summary<DiscoveredPeer> summary =
        new FanOut<DiscoveredPeer>(4, Duration.ofMillis(300))
            .run(
                PEERS.subList(0, 2),
                2,
                peer -> {
                  if (peer.name().equals("d0")) {
                    try {
                      Thread.sleep(60_000);
                    } catch (InterruptedException cut) {
                      throw new ProtocolException(Reason.NO_ANSWER, "interrupted");
                    }
                  }
                  return result(0);
                },
                r -> true,
                streamed::add);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the bound held");
    assertEquals(1, summary.succeeded());
    FanOut.Lost<DiscoveredPeer> lost =
        assertInstanceOf(
            FanOut.Lost.class,
            summary.attempts().stream()
                .filter(a -> a.peer().name().equals("d0"))
                .findFirst()
                .orElseThrow());
    assertTrue(lost.reason().contains("no answer within 300 ms"), lost.reason());
    assertEquals(2, streamed.size());
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    asked.forEach((name, count) -> counts.put(name, count.get()));
    return counts;
  }
}
