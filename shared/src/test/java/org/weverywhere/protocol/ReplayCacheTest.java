package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.weverywhere.protocol.VerifierTest.assertReason;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.ProtocolException.Reason;

class ReplayCacheTest {
  private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void anIdIsRefusedTheSecondTimeAndForgottenOnlyAfterItsPeriodIsReclaimed() {
    ReplayCache cache = new ReplayCache(Duration.ofSeconds(30), 700);
    MessageId id = MessageId.random();
    cache.record(id, T);
    assertReason(Reason.REPLAYED, () -> cache.record(id, T));
    // another id in the same period, and the same id stamped in another period, are both new
    cache.record(MessageId.random(), T);
    // 60 s later every bucket has been reclaimed at least once: the old id is gone, and by then the
    // timestamp check (±30 s) refuses it anyway
    for (int s = 1; s <= 70; s++) {
      cache.record(MessageId.random(), T.plusSeconds(s));
    }
    cache.record(id, T.plusSeconds(70));
    assertReason(Reason.STALE, () -> cache.record(MessageId.random(), T));
  }

  @Test
  void aFullPeriodRefusesAsBusyInsteadOfForgetting() {
    ReplayCache cache = new ReplayCache(Duration.ofSeconds(30), 70);
    int accepted = 0;
    ProtocolException busy = null;
    for (int i = 0; i < 1000 && busy == null; i++) {
      try {
        cache.record(MessageId.random(), T);
        accepted++;
      } catch (ProtocolException e) {
        busy = e;
      }
    }
    assertEquals(Reason.BUSY, busy.reason());
    assertEquals(11, accepted, "1.1 × 70 / 7 ids per period");
  }

  @Test
  void memoryIsFixedAtConstruction() {
    ReplayCache cache = new ReplayCache(Duration.ofSeconds(30), 1_000_000);
    assertTrue(cache.capacity() >= 1_000_000, "capacity " + cache.capacity());
    assertEquals(8L * 262_144 * 2 * Long.BYTES, cache.tableBytes(), "32 MiB for a million ids");
  }
}
