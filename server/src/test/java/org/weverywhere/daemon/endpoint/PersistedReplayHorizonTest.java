package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * The horizon's rule on its own: what one run may have accepted, the next refuses; nothing more.
 */
class PersistedReplayHorizonTest {
  private static final Instant START = Instant.parse("2026-12-02T08:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(30);

  @TempDir Path dir;

  private PersistedReplayHorizon open(Instant now) {
    return PersistedReplayHorizon.open(
        dir.resolve("replay-horizon"), Clock.fixed(now, ZoneOffset.UTC), WINDOW);
  }

  @Test
  void aFirstStartRefusesOnlyWhatWasSignedBeforeIt() {
    var horizon = open(START);
    assertEquals(START, horizon.floor());
    var refused = assertThrows(ProtocolException.class, () -> horizon.admit(START.minusMillis(1)));
    assertEquals(Reason.SIGNED_BEFORE_START, refused.reason());
    assertEquals("WE5040", refused.code().code());
    assertTrue(refused.getMessage().endsWith("sign it afresh"), refused.getMessage());
    horizon.admit(START.plusMillis(1));
  }

  @Test
  void theNextRunRefusesEverythingTheLastOneMayHaveAcceptedEvenStampedAheadOfItsClock()
      throws IOException {
    var first = open(START);
    Instant ahead =
        START.plusSeconds(25); // a sender whose clock runs 25 s ahead: inside the window
    first.admit(START.plusSeconds(1));
    first.admit(ahead);
    // killed and started again a few seconds later, within the window of both messages
    var second = open(START.plusSeconds(3));
    assertEquals(
        Reason.SIGNED_BEFORE_START,
        assertThrows(ProtocolException.class, () -> second.admit(START.plusSeconds(1))).reason());
    assertEquals(
        Reason.SIGNED_BEFORE_START,
        assertThrows(ProtocolException.class, () -> second.admit(ahead)).reason());
    assertEquals(
        ahead.plus(PersistedReplayHorizon.LEASE),
        second.floor(),
        "no further than the lease beyond it");
    second.admit(ahead.plus(PersistedReplayHorizon.LEASE).plusMillis(1));
  }

  @Test
  void aSteadyStreamWritesOncePerLeaseNotOncePerMessage() throws IOException {
    var horizon = open(START);
    Path file = dir.resolve("replay-horizon");
    horizon.admit(START.plusMillis(10));
    String written = Files.readString(file);
    for (int i = 11; i < 1000; i++) {
      horizon.admit(START.plusMillis(i)); // all inside the first lease
    }
    assertEquals(written, Files.readString(file));
    assertEquals(
        START.plusMillis(10).plus(PersistedReplayHorizon.LEASE).toEpochMilli() + "\n", written);
  }

  @Test
  void aRestartWaitsUntilItsClockHasPassedTheFloor() throws Exception {
    var first = open(Instant.now());
    first.admit(Instant.now().plusMillis(300));
    var second =
        PersistedReplayHorizon.open(dir.resolve("replay-horizon"), Clock.systemUTC(), WINDOW);
    assertTrue(second.floor().isAfter(Instant.now()), "the floor is still ahead");
    second.awaitFloor(Duration.ofSeconds(5));
    assertTrue(Instant.now().isAfter(second.floor()), "waited until it passed");
    second.admit(Instant.now().plusMillis(1));
  }

  @Test
  void anUnreadableHorizonIsTakenAsTheWorstItCouldHide() throws IOException {
    Files.writeString(dir.resolve("replay-horizon"), "garbage");
    var horizon = open(START);
    assertEquals(START.plus(WINDOW), horizon.floor());
    assertThrows(ProtocolException.class, () -> horizon.admit(START.plusSeconds(29)));
  }
}
