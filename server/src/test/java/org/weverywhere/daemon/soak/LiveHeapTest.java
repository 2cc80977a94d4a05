package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveHeapTest {
  private static final String BEFORE =
      """
      27107:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:        210933       15407576  [B (java.base@25.0.3)
         2:         16384        1048576  org.weverywhere.protocol.Message$Result
         3:           100           2400  org.example.Gone
      Total       1126324       56093040
      """;
  private static final String AFTER =
      """
      27107:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:        220933       16407576  [B (java.base@25.0.3)
         2:         16384        1048576  org.weverywhere.protocol.Message$Result
         3:          5000         120000  org.example.Leak
      Total       1136324       57213040
      """;

  @Test
  void readsTheTotalAndTheGrowers() {
    LiveHeap before = LiveHeap.parse(BEFORE);
    LiveHeap after = LiveHeap.parse(AFTER);
    assertEquals(56093040, before.bytes());
    assertEquals(15407576, before.bytesByClass().get("[B"));
    List<String> growers = after.growers(before, 8);
    assertEquals(2, growers.size(), growers.toString());
    assertTrue(growers.get(0).startsWith("[B +976.6 KiB"), growers.get(0));
    assertTrue(
        growers.get(1).startsWith("org.example.Leak +117.2 KiB (0.0 → 117.2"), growers.get(1));
  }

  @Test
  void malformedHistogramsAreClearErrors() {
    var noTotal = assertThrows(IllegalArgumentException.class, () -> LiveHeap.parse("1: 2 3 x\n"));
    assertEquals("GC.class_histogram has no Total line", noTotal.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LiveHeap.parse(""));
    assertThrows(IllegalArgumentException.class, () -> LiveHeap.parse("Total 1 lots\n"));
    var row =
        assertThrows(
            IllegalArgumentException.class, () -> LiveHeap.parse("1: 5 -3 x\nTotal 1 2\n"));
    assertTrue(
        row.getMessage().startsWith("GC.class_histogram line is not counts"), row.getMessage());
  }

  @Test
  void theVerdictJudgesTheGrowthPerHour() {
    LiveHeap a = new LiveHeap(100L << 20, java.util.Map.of());
    LiveHeap b = new LiveHeap(120L << 20, java.util.Map.of());
    // 20 MiB in 20 minutes: 60 MiB/h; 5 MiB in 25 minutes (12 MiB/h) holds
    var grew = SoakVerdict.liveHeap(Optional.of(a), 10, Optional.of(b), 30);
    assertFalse(grew.holds(), grew.toString());
    assertEquals("100.0 → 120.0 MiB, +60.0 MiB/h", grew.measured());
    assertTrue(SoakVerdict.liveHeap(Optional.of(b), 10, Optional.of(a), 30).holds());
    assertTrue(
        SoakVerdict.liveHeap(
                Optional.of(a), 5, Optional.of(new LiveHeap(105L << 20, java.util.Map.of())), 30)
            .holds());
    assertFalse(SoakVerdict.liveHeap(Optional.empty(), 10, Optional.of(a), 30).holds());
    assertFalse(SoakVerdict.liveHeap(Optional.of(a), 30, Optional.of(a), 30).holds());
  }
}
