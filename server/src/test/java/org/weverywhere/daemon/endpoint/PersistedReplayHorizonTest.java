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
import org.weverywhere.testing.MovableClock;

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

  /**
   * Once a lease, the request that crossed the horizon waited for its synced write, and every
   * request meanwhile waited behind it (a trusted key's behind a flood's): renewed ahead of time,
   * off the request path, a message stamped within the horizon never waits.
   */
  @Test
  void aMessageWithinTheHorizonNeverWaitsForItsRenewal() throws Exception {
    MovableClock now = new MovableClock(START);
    Clock clock = now;
    var release = new java.util.concurrent.CountDownLatch(1);
    var writes = new java.util.concurrent.atomic.AtomicInteger();
    // the test's end waits here for a renewal still writing, and refuses any later one: JUnit
    // deletes the directory next, and a renewal's temporary file in it failed that (a CI run)
    var testOver = new java.util.concurrent.atomic.AtomicBoolean();
    Path file = dir.resolve("replay-horizon");
    var horizon =
        PersistedReplayHorizon.open(
            file,
            clock,
            WINDOW,
            (f, value) -> {
              synchronized (testOver) {
                if (testOver.get()) {
                  throw new IOException("the test is over");
                }
                if (writes.incrementAndGet() > 2) { // the renewal: a disk that takes its time
                  try {
                    if (!release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                      throw new IOException("never released");
                    }
                  } catch (InterruptedException e) {
                    throw new IOException(e);
                  }
                }
                PersistedReplayHorizon.write(f, value);
              }
            });
    horizon.admit(START.plusMillis(10)); // beyond the floor's horizon: written first, as before
    now.set(START.plusMillis(600)); // 410 ms left: a renewal starts, and blocks in its write
    for (int i = 0; i < 100; i++) {
      long began = System.nanoTime();
      horizon.admit(START.plusMillis(600 + i));
      long took = (System.nanoTime() - began) / 1_000_000;
      assertTrue(took < 500, "a message within the horizon waited " + took + " ms");
    }
    // the renewal runs on a thread of its own, which a loaded machine may start after the admits
    long started = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (writes.get() < 3 && System.nanoTime() < started) {
      Thread.sleep(5);
    }
    horizon.admit(START.plusMillis(700)); // still blocked in its write: no second renewal
    assertEquals(3, writes.get(), "one renewal at a time");
    release.countDown();
    String renewed =
        START
                .plusMillis(600)
                .plus(PersistedReplayHorizon.LEASE)
                .plus(PersistedReplayHorizon.RENEW_AHEAD)
                .toEpochMilli()
            + "\n";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.readString(file).equals(renewed) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(renewed, Files.readString(file), "renewed a lease beyond the time it started");
    now.set(START.plusMillis(2000));
    horizon.admit(START.plusMillis(2000)); // within the renewed horizon: no write of its own
    // a restart reads what is on disk; this instance may be renewing again in the background (its
    // clock moved on), and two instances writing one file is not what a restart does
    Path afterRestart = Files.createDirectories(dir.resolve("restarted")).resolve("replay-horizon");
    Files.copy(file, afterRestart);
    var restarted = PersistedReplayHorizon.open(afterRestart, clock, WINDOW);
    assertEquals(
        Reason.SIGNED_BEFORE_START,
        assertThrows(ProtocolException.class, () -> restarted.admit(START.plusMillis(2000)))
            .reason(),
        "what was accepted within the renewed horizon is refused after a restart");
    synchronized (testOver) {
      testOver.set(true);
    }
  }
}
