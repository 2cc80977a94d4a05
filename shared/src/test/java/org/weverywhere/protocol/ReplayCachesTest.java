package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.weverywhere.protocol.VerifierTest.assertReason;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

class ReplayCachesTest {
  private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private final MessageSigner stranger = new MessageSigner(Ed25519.generate());
  private final MessageSigner member = new MessageSigner(Ed25519.generate());
  private final MessageSigner host = new MessageSigner(Ed25519.generate());

  @Test
  void aStrangersFloodFillsItsOwnCacheAndAMembersMessagesAreStillAccepted() {
    // 70 ids: 11 per period; one cache for all was full after the stranger's 11th message
    var verifier =
        new Verifier(
            Clock.fixed(NOW, ZoneOffset.UTC),
            WINDOW,
            new ReplayCaches(
                new ReplayCache(WINDOW, 70),
                new ReplayCache(WINDOW, 70),
                member.fingerprint()::equals),
            Optional.of(host.fingerprint()),
            ReplayHorizon.NONE);
    int accepted = 0;
    ProtocolException busy = null;
    for (int i = 0; i < 100 && busy == null; i++) {
      try {
        verifier.verify(describe(stranger), WireLimits.UDP);
        accepted++;
      } catch (ProtocolException e) {
        busy = e;
      }
    }
    assertEquals(Reason.BUSY, busy.reason());
    assertEquals(11, accepted);
    for (int i = 0; i < 10; i++) { // the 11th place is the one below
      assertEquals(
          member.fingerprint(), verifier.verify(describe(member), WireLimits.UDP).fingerprint());
    }
    byte[] again = describe(member);
    verifier.verify(again, WireLimits.UDP);
    assertReason(Reason.REPLAYED, () -> verifier.verify(again, WireLimits.UDP));
  }

  @Test
  void aMessageIsAcceptedOnceWhicheverGroupItsSignerJoinedOrLeftBetweenTwoCopies() {
    var trusted = new AtomicBoolean(false);
    Fingerprint signer = member.fingerprint();
    var caches =
        new ReplayCaches(
            new ReplayCache(WINDOW, 700), new ReplayCache(WINDOW, 700), key -> trusted.get());
    MessageId first = MessageId.random();
    caches.record(signer, first, NOW);
    trusted.set(true); // the key joined a group
    assertReason(Reason.REPLAYED, () -> caches.record(signer, first, NOW));
    MessageId second = MessageId.random();
    caches.record(signer, second, NOW);
    trusted.set(false); // and left it
    assertReason(Reason.REPLAYED, () -> caches.record(signer, second, NOW));
  }

  @Test
  void oneCacheForAllIsWhatAClientUses() {
    var cache = new ReplayCache(WINDOW, 70);
    var caches = ReplayCaches.single(cache);
    MessageId id = MessageId.random();
    caches.record(member.fingerprint(), id, NOW);
    assertTrue(cache.contains(id, NOW));
    assertFalse(cache.contains(MessageId.random(), NOW));
    assertFalse(cache.contains(id, NOW.plusSeconds(20)), "another period");
    assertReason(Reason.REPLAYED, () -> caches.record(stranger.fingerprint(), id, NOW));
    assertEquals(WINDOW, caches.window());
  }

  private byte[] describe(MessageSigner by) {
    return by.sign(
        Header.fresh(Audience.node(host.fingerprint()), NOW), new Message.Describe(List.of()));
  }
}
