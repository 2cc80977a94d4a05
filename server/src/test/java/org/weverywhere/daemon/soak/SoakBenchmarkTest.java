package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SoakBenchmarkTest {
  private static final String P = "weverywhere.soak.test-duration";

  @AfterEach
  void clear() {
    System.clearProperty(P);
  }

  @Test
  void durationsInTheConfigurationsNotation() {
    assertEquals(Duration.ofMinutes(30), SoakBenchmark.duration(P, Duration.ofMinutes(30)));
    System.setProperty(P, "2m");
    assertEquals(Duration.ofMinutes(2), SoakBenchmark.duration(P, Duration.ofMinutes(30)));
    System.setProperty(P, " 90s ");
    assertEquals(Duration.ofSeconds(90), SoakBenchmark.duration(P, Duration.ofMinutes(30)));
  }

  @Test
  void badDurationsAreOneLineErrors() {
    for (String bad : new String[] {"", "soon", "-5m", "0s", "49h", "1e999m"}) {
      System.setProperty(P, bad);
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> SoakBenchmark.duration(P, Duration.ZERO));
      assertTrue(e.getMessage().startsWith(P), bad + ": " + e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void theKindsCycleByTheirWeights() {
    SoakKind[] cycle = SoakKind.cycle();
    for (SoakKind k : SoakKind.values()) {
      long n = java.util.Arrays.stream(cycle).filter(c -> c == k).count();
      assertEquals(k.weight, n, k.label());
    }
    assertEquals(SoakKind.DISCOVER, cycle[0]);
    assertEquals(SoakKind.DESCRIBE, cycle[1]); // interleaved, not in runs of one kind
  }
}
