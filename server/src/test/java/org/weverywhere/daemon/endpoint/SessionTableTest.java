package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Session;
import org.weverywhere.protocol.SessionKeys;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.testing.MovableClock;
import org.weverywhere.trust.Ed25519;

/**
 * The daemon's session table under a flood of handshakes: bounded in entries per group and per
 * source, in handshakes per second per source, and in time; a flood displaces only its own
 * sessions, never another group's.
 */
class SessionTableTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final KeyPair host = Ed25519.generate();
  private final AtomicLong nanos = new AtomicLong();
  private final Verifier verifier =
      Verifier.of(
          Clock.fixed(NOW, ZoneOffset.UTC),
          Optional.of(org.weverywhere.trust.Fingerprint.of(host.getPublic())),
          1 << 16);

  private record Offer(SignedMessage discover, byte[] wire) {}

  private Offer offer(MessageSigner client) {
    var discover =
        new Message.Discover(
            Optional.of(
                new Message.SessionHello(SessionKeys.raw(SessionKeys.ephemeral().getPublic()))));
    byte[] wire = client.sign(Header.fresh(Audience.ANY, NOW), discover);
    return new Offer(verifier.verify(wire, WireLimits.UDP), wire);
  }

  private Optional<SessionTable.Opened> open(
      SessionTable table, MessageSigner client, InetAddress source, String group) {
    Offer offer = offer(client);
    return table.open(offer.discover(), offer.wire(), source, group, host.getPublic());
  }

  private SessionTable table(int entries, Clock clock) {
    return new SessionTable(entries, Duration.ofMinutes(10), clock, nanos::get);
  }

  @Test
  void aFloodingGroupDisplacesOnlyItsOwnSessions() throws Exception {
    SessionTable table = table(16, Clock.fixed(NOW, ZoneOffset.UTC));
    InetAddress friend = InetAddress.getByName("10.0.0.2");
    InetAddress flooder = InetAddress.getByName("10.0.0.9");
    Session kept =
        open(table, new MessageSigner(Ed25519.generate()), friend, "friends")
            .orElseThrow()
            .session();
    MessageSigner attacker = new MessageSigner(Ed25519.generate());
    for (int i = 0; i < 60; i++) {
      nanos.addAndGet(Duration.ofMillis(50).toNanos()); // within the handshake rate
      assertTrue(open(table, attacker, flooder, "anonymous").isPresent(), "handshake " + i);
      assertTrue(table.held("anonymous") <= 4, "a quarter of 16 at most");
    }
    assertEquals(4, table.held("anonymous"));
    assertNotNull(table.find(kept.id()), "the other group's session stays");
    assertEquals(5, table.size());
    assertEquals(56, table.displaced());
  }

  @Test
  void oneSourceHoldsAtMostItsShareWhateverGroupsItUses() throws Exception {
    SessionTable table = table(4096, Clock.fixed(NOW, ZoneOffset.UTC));
    InetAddress source = InetAddress.getByName("10.0.0.3");
    MessageSigner client = new MessageSigner(Ed25519.generate());
    for (int i = 0; i < 300; i++) {
      nanos.addAndGet(Duration.ofMillis(20).toNanos());
      open(table, client, source, "g" + (i % 7)).orElseThrow();
    }
    assertEquals(SessionTable.PER_SOURCE, table.heldFrom(source));
    assertEquals(SessionTable.PER_SOURCE, table.size());
  }

  @Test
  void handshakesBeyondTheRateOfASourceGetNoSession() throws Exception {
    SessionTable table = table(4096, Clock.fixed(NOW, ZoneOffset.UTC));
    InetAddress source = InetAddress.getByName("10.0.0.4");
    MessageSigner client = new MessageSigner(Ed25519.generate());
    int opened = 0;
    for (int i = 0; i < 200; i++) { // all at one instant: the burst, then nothing
      if (open(table, client, source, "anonymous").isPresent()) {
        opened++;
      }
    }
    assertEquals(2 * SessionTable.HANDSHAKES_PER_SECOND, opened);
  }

  @Test
  void sessionsAreForgottenAtTheirExpiry() throws Exception {
    MovableClock clock = new MovableClock(NOW);
    Clock moving = clock;
    SessionTable table = table(64, moving);
    Session session =
        open(table, new MessageSigner(Ed25519.generate()), InetAddress.getLoopbackAddress(), "a")
            .orElseThrow()
            .session();
    assertEquals(0, table.sweep());
    clock.set(NOW.plus(Duration.ofMinutes(10)));
    assertTrue(session.expired(clock.instant()));
    assertEquals(1, table.sweep());
    assertNull(table.find(session.id()));
    assertEquals(0, table.held("a"));
  }
}
