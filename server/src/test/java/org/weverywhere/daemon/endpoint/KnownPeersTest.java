package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.weverywhere.trust.Fingerprint;

class KnownPeersTest {
  private final AtomicLong now = new AtomicLong(1_000);

  private static final java.util.Random RANDOM = new java.util.Random(7);

  private static Fingerprint peer() {
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    return new Fingerprint(id);
  }

  @Test
  void countsEachPeerOnceAndForgetsOneThatSaysBye() {
    var peers = new KnownPeers(100, Duration.ofSeconds(90), now::get);
    Fingerprint a = peer();
    Fingerprint b = peer();
    peers.heard(a);
    peers.heard(a);
    peers.heard(b);
    assertEquals(2, peers.count());
    peers.gone(a);
    assertEquals(1, peers.count());
  }

  @Test
  void aPeerNotHeardForTheAgeLimitNoLongerCounts() {
    var peers = new KnownPeers(100, Duration.ofSeconds(90), now::get);
    Fingerprint quiet = peer();
    peers.heard(quiet);
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    Fingerprint talking = peer();
    peers.heard(talking);
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    assertEquals(1, peers.count(), "the first is 91 s old, the second 31 s");
    peers.heard(quiet);
    assertEquals(2, peers.count(), "heard again, counted again");
  }

  @Test
  void aFloodOfForgedPeersIsBounded() {
    var peers = new KnownPeers(50, Duration.ofSeconds(90), now::get);
    for (int i = 0; i < 1_000; i++) {
      peers.heard(peer());
    }
    assertEquals(50, peers.count());
  }

  @Test
  void nonsenseLimitsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new KnownPeers(0, Duration.ofSeconds(1), now::get));
    assertThrows(IllegalArgumentException.class, () -> new KnownPeers(1, Duration.ZERO, now::get));
  }
}
