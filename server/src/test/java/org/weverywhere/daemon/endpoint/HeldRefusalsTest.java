package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeldRefusalsTest {
  private static final InetAddress HERE = InetAddress.getLoopbackAddress();

  /** Completes with the thread that sent it, and when. */
  private record Sent(CompletableFuture<Thread> by, long askedAt) {
    static Sent ask(HeldRefusals held) {
      var sent = new Sent(new CompletableFuture<>(), System.nanoTime());
      held.send(HERE, () -> sent.by().complete(Thread.currentThread()));
      return sent;
    }

    Thread await() throws Exception {
      return by.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRefusalIsSentOnlyAfterItsHoldAndOnAnotherThread() throws Exception {
    try (var held = new HeldRefusals(Duration.ofMillis(300), 4)) {
      var sent = Sent.ask(held);
      assertFalse(sent.by().isDone(), "sent at once");
      assertEquals(1, held.held());
      Thread by = sent.await();
      long waited = System.nanoTime() - sent.askedAt();
      assertTrue(waited >= Duration.ofMillis(300).toNanos(), waited + " ns");
      assertTrue(by != Thread.currentThread());
      assertEquals(0, held.held());
    }
  }

  @Test
  void beyondMaxHeldARefusalIsSentAtOnceOnTheCallersThread() throws Exception {
    try (var held = new HeldRefusals(Duration.ofMinutes(1), 2)) {
      var first = Sent.ask(held);
      var second = Sent.ask(held);
      var third = Sent.ask(held);
      assertSame(Thread.currentThread(), third.by().getNow(null), "the third waited");
      assertFalse(first.by().isDone());
      assertFalse(second.by().isDone());
      assertEquals(2, held.held());
      assertEquals(1, held.sentAtOnce());
    }
  }

  @Test
  void closingSendsEveryHeldRefusalAtOnceAndLaterOnesAreNotHeld() throws Exception {
    var held = new HeldRefusals(Duration.ofHours(1), 8);
    var waiting = Sent.ask(held);
    assertFalse(waiting.by().isDone());
    held.close();
    waiting.await();
    assertEquals(0, held.held());
    var after = Sent.ask(held);
    assertSame(Thread.currentThread(), after.by().getNow(null));
    assertEquals(0, held.held());
  }

  @Test
  void aZeroHoldSendsAtOnce() throws Exception {
    try (var held = new HeldRefusals(Duration.ZERO, 8)) {
      var sent = Sent.ask(held);
      assertSame(Thread.currentThread(), sent.by().getNow(null));
    }
  }

  @Test
  void aSendThatFailsReleasesItsPlace() throws Exception {
    try (var held = new HeldRefusals(Duration.ofMillis(10), 1)) {
      held.send(
          HERE,
          () -> {
            throw new IllegalStateException("the sender went away");
          });
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (held.held() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(0, held.held());
      var next = Sent.ask(held);
      assertFalse(next.by().isDone(), "held again: its place was released");
      next.await();
    }
  }

  @Test
  void aSourcesHoldGrowsWithWhatItHasHeldSoItsRefusalsTrickleOut() {
    try (var held = new HeldRefusals(Duration.ofSeconds(1), 1_024)) {
      assertEquals(Duration.ofSeconds(1), held.holdAfter(0));
      assertEquals(Duration.ofMillis(1_500), held.holdAfter(HeldRefusals.PER_STEP / 2));
      assertEquals(Duration.ofSeconds(9), held.holdAfter(8 * HeldRefusals.PER_STEP));
    }
  }

  @Test
  void eachSourceHasItsOwnGrowingHold() throws Exception {
    try (var held = new HeldRefusals(Duration.ofMillis(500), 1_024)) {
      // one source with 4 × PER_STEP held: its next waits 5 holds, another source's only one
      for (int i = 0; i < 4 * HeldRefusals.PER_STEP; i++) {
        held.send(HERE, () -> {});
      }
      var flooder = Sent.ask(held);
      long start = System.nanoTime();
      var other = new CompletableFuture<Long>();
      held.send(
          InetAddress.getByName("192.0.2.1"), () -> other.complete(System.nanoTime() - start));
      long otherWaited = other.get(20, TimeUnit.SECONDS);
      assertFalse(flooder.by().isDone(), "the flooder's refusal went with the other's");
      flooder.await();
      long flooderWaited = System.nanoTime() - flooder.askedAt();
      assertTrue(otherWaited < Duration.ofMillis(2_000).toNanos(), otherWaited + " ns");
      assertTrue(flooderWaited >= Duration.ofMillis(2_500).toNanos(), flooderWaited + " ns");
    }
  }

  @Test
  void aNegativeHoldIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new HeldRefusals(Duration.ofMillis(-1), 1));
  }
}
