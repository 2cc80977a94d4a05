package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnswerSpreadTest {
  private final AnswerSpread spread = new AnswerSpread(Duration.ofMillis(2), Duration.ofSeconds(1));

  @Test
  void aLoneDaemonAnswersAtOnce() {
    assertEquals(Duration.ZERO, spread.window(0));
    assertEquals(Duration.ZERO, spread.delay(0, new SplittableRandom(1)));
    assertEquals(Duration.ZERO, AnswerSpread.NONE.window(10_000));
  }

  @Test
  void windowGrowsWithKnownPeersUntilTheCap() {
    assertEquals(Duration.ofMillis(2), spread.window(1));
    assertEquals(Duration.ofMillis(100), spread.window(50));
    assertEquals(Duration.ofMillis(400), spread.window(200));
    for (int n = 1; n < 500; n++) {
      assertTrue(spread.window(n + 1).compareTo(spread.window(n)) > 0, "grows at " + n);
    }
    assertEquals(Duration.ofSeconds(1), spread.window(500));
    assertEquals(Duration.ofSeconds(1), spread.window(501));
    assertEquals(
        Duration.ofSeconds(1), spread.window(Integer.MAX_VALUE), "saturates, never overflows");
  }

  @Test
  void delaysStayInsideTheWindowAndFillIt() {
    var random = new SplittableRandom(42);
    long window = spread.window(200).toNanos();
    long sum = 0;
    long max = 0;
    int samples = 20_000;
    for (int i = 0; i < samples; i++) {
      long d = spread.delay(200, random).toNanos();
      assertTrue(d >= 0 && d <= window, "delay " + d + " outside [0, " + window + "]");
      sum += d;
      max = Math.max(max, d);
    }
    // uniform: mean near half the window, and the top of the window is reached
    double mean = (double) sum / samples;
    assertTrue(
        Math.abs(mean - window / 2.0) < window * 0.02, "mean " + mean + " of window " + window);
    assertTrue(max > window * 0.99, "max " + max);
    for (int i = 0; i < 1_000; i++) {
      assertTrue(spread.delay(1_000_000, random).compareTo(Duration.ofSeconds(1)) <= 0, "capped");
    }
  }

  @Test
  void negativeSpreadIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnswerSpread(Duration.ofMillis(-1), Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnswerSpread(Duration.ZERO, Duration.ofMillis(-1)));
  }

  @Test
  void theClientWindowCoversTheLongestSpread() {
    assertTrue(AnswerSpread.CLIENT_WINDOW.compareTo(AnswerSpread.DEFAULT.max()) > 0);
  }
}
