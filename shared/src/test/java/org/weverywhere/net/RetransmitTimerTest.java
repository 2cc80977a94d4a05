package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The RTO estimator follows RFC 6298 §2 (with our initial value and floor); backoff stays in its
 * budget.
 */
class RetransmitTimerTest {
  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void beforeAnySampleTheTimeoutIsTheInitialOne() {
    var timer = new RetransmitTimer();
    assertEquals(RetransmitTimer.INITIAL, timer.rto());
    assertTrue(timer.srtt().isEmpty());
    assertEquals(0, timer.samples());
  }

  @Test
  void theFirstSampleSetsSrttAndHalfOfItAsVariation() {
    var timer = new RetransmitTimer();
    timer.sample(ms(100));
    assertEquals(ms(100), timer.srtt().orElseThrow());
    assertEquals(ms(50), timer.rttvar());
    // RTO = SRTT + max(G, 4 * RTTVAR) = 100 + 200
    assertEquals(ms(300), timer.rto());
  }

  @Test
  void laterSamplesAreSmoothedWithAnEighthAndAQuarter() {
    var timer = new RetransmitTimer();
    timer.sample(ms(100));
    timer.sample(ms(200));
    // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
    assertEquals(Duration.ofNanos(1000L * (62_500)), timer.rttvar());
    assertEquals(Duration.ofNanos(1000L * (112_500)), timer.srtt().orElseThrow());
    assertEquals(Duration.ofNanos(1000L * (112_500 + 250_000)), timer.rto());
  }

  @Test
  void aSteadyFastPeerGetsTheFloorNotLess() {
    var timer = new RetransmitTimer();
    for (int i = 0; i < 50; i++) {
      timer.sample(Duration.ofNanos(1000L * (300)));
    }
    assertEquals(RetransmitTimer.MIN, timer.rto());
    assertEquals(50, timer.samples());
  }

  @Test
  void aSteadySlowPeerConvergesToItsRoundTripPlusTheGranularity() {
    var timer = new RetransmitTimer();
    for (int i = 0; i < 200; i++) {
      timer.sample(ms(400));
    }
    Duration rto = timer.rto();
    assertTrue(rto.compareTo(ms(401)) >= 0 && rto.compareTo(ms(402)) <= 0, rto.toString());
  }

  @Test
  void anAbsurdRoundTripIsCappedAtTheMaximum() {
    var timer = new RetransmitTimer();
    timer.sample(Duration.ofHours(2));
    assertEquals(RetransmitTimer.MAX, timer.rto());
  }

  @Test
  void backoffDoublesUpToASixthOfTheBudgetWithJitterOfAFifth() {
    var backoff = new Backoff(ms(100), Duration.ofSeconds(3), new SplittableRandom(7));
    assertEquals(ms(500), backoff.ceiling());
    long[] bases = {100, 200, 400, 500, 500, 500};
    for (long base : bases) {
      long wait = backoff.next().toMillis();
      assertTrue(wait >= base * 0.8 - 1 && wait <= base * 1.2 + 1, base + " -> " + wait);
    }
  }

  @Test
  void aDefaultBudgetHoldsSevenAttemptsForAFreshPeer() {
    // the schedule PROTOCOL.md promises: about 0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75 s
    for (long seed = 0; seed < 100; seed++) {
      var backoff =
          new Backoff(RetransmitTimer.INITIAL, Duration.ofSeconds(3), new SplittableRandom(seed));
      List<Long> sends = new ArrayList<>();
      long at = 0;
      while (at < 3000 && sends.size() < 64) {
        sends.add(at);
        at += backoff.next().toMillis();
      }
      assertTrue(sends.size() >= 6 && sends.size() <= 9, "seed " + seed + ": " + sends);
    }
  }

  @Test
  void aSlowPeerStillGetsSeveralAttemptsInTheBudget() {
    // an RTO inflated by one long execution: the waits are still at most a sixth of the budget
    var backoff =
        new Backoff(Duration.ofSeconds(6), Duration.ofSeconds(3), new SplittableRandom(1));
    assertEquals(ms(500), backoff.ceiling());
    for (int i = 0; i < 5; i++) {
      assertTrue(backoff.next().compareTo(ms(601)) < 0);
    }
  }

  @Test
  void aSixthIsWhatTheJdksDivisionGives() {
    var random = new SplittableRandom(16);
    List<Duration> budgets =
        new ArrayList<>(
            List.of(
                Duration.ofNanos(1),
                Duration.ofNanos(5),
                Duration.ofNanos(6),
                ms(1),
                Duration.ofSeconds(3),
                Duration.ofSeconds(5, 999_999_999),
                Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
    for (int i = 0; i < 1000; i++) {
      budgets.add(Duration.ofSeconds(random.nextLong(0, 1L << 40), random.nextInt(1_000_000_000)));
    }
    for (Duration budget : budgets) {
      if (!budget.isZero()) {
        assertEquals(budget.dividedBy(6), Backoff.sixthOf(budget), budget.toString());
      }
    }
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, ms(1), new SplittableRandom()));
    assertThrows(
        IllegalArgumentException.class, () -> new Backoff(ms(1), ms(-1), new SplittableRandom()));
  }
}
