package org.weverywhere.desktop.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.desktop.ScriptedNetworkClient;
import org.weverywhere.desktop.client.Sighting;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.testing.MovableClock;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

class PeersModelTest {
  private final ScriptedNetworkClient client = new ScriptedNetworkClient();
  private final EventBus bus = new EventBus();
  private final List<ExplorerEvent.PeersChanged> published = new ArrayList<>();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final PeersModel model =
      new PeersModel(
          client,
          bus,
          Runnable::run,
          Runnable::run,
          clock,
          Duration.ofSeconds(90),
          Duration.ofSeconds(10));
  private final Fingerprint alpha = new MessageSigner(Ed25519.generate()).fingerprint();
  private final Fingerprint beta = new MessageSigner(Ed25519.generate()).fingerprint();

  PeersModelTest() {
    bus.subscribe(ExplorerEvent.PeersChanged.class, published::add);
  }

  private Sighting sighting(
      Fingerprint node, String name, String ip, Optional<Duration> rtt, String... libraries) {
    return new Sighting(
        node,
        name,
        new InetSocketAddress(ip, 40000),
        22341,
        1,
        List.of(libraries),
        List.of("web"),
        clock.instant(),
        rtt);
  }

  @Test
  void discoverListsEachAnsweringNodeWithItsRoundTripAndSaysHowManyAnswered() {
    client.discoverAnswers.add(
        sighting(alpha, "alpha", "127.0.0.1", Optional.of(Duration.ofMillis(3)), "math", "fib"));
    client.discoverAnswers.add(
        sighting(beta, "beta", "127.0.0.2", Optional.of(Duration.ofMillis(5))));

    model.discover();

    assertEquals(List.of("alpha", "beta"), model.peers().stream().map(PeerRow::name).toList());
    PeerRow a = model.peers().getFirst();
    assertEquals(2, a.libraries().size());
    assertEquals(1, a.services().size());
    assertEquals(Optional.of(Duration.ofMillis(3)), a.roundTrip());
    assertEquals("127.0.0.1", a.addressText());
    assertEquals("2 nodes answered", model.statusProperty().get());
    assertFalse(model.discoveringProperty().get());
    assertEquals(2, published.getLast().peers().size());
  }

  @Test
  void nobodyAnsweringNamesTheGroupsThatCouldNotBeAsked() {
    client.unsent = List.of("ff02:0:0:0:0:0:0:5745 on lo: no route");
    model.discover();
    assertEquals(
        "0 nodes answered; not sent to: ff02:0:0:0:0:0:0:5745 on lo: no route",
        model.statusProperty().get());
  }

  @Test
  void aLaterAnnounceUpdatesTheRowMergesAddressesAndKeepsTheLastRoundTrip() {
    model.startListening();
    assertTrue(model.listeningProperty().get());
    client.listener.announced(
        sighting(alpha, "alpha", "127.0.0.1", Optional.of(Duration.ofMillis(4)), "math"));
    clock.advance(Duration.ofSeconds(30));
    client.listener.announced(
        sighting(alpha, "alpha-renamed", "::1", Optional.empty(), "math", "fib"));

    assertEquals(1, model.peers().size());
    PeerRow a = model.peers().getFirst();
    assertEquals("alpha-renamed", a.name());
    assertEquals("127.0.0.1, 0:0:0:0:0:0:0:1", a.addressText());
    assertEquals(
        Optional.of(Duration.ofMillis(4)),
        a.roundTrip(),
        "an unsolicited announce has no round trip");
    assertEquals(clock.instant(), a.lastSeen());
    assertEquals(
        new InetSocketAddress("::1", 40000),
        a.address().udp(),
        "requests go where it was last heard");
  }

  @Test
  void byeFadesThePeerAndAfterTheFadeItIsGone() {
    model.startListening();
    client.listener.announced(sighting(alpha, "alpha", "127.0.0.1", Optional.empty()));
    client.listener.announced(sighting(beta, "beta", "127.0.0.2", Optional.empty()));

    client.listener.gone(alpha);
    assertTrue(model.peers().getFirst().isFading());
    assertEquals("alpha said bye", model.statusProperty().get());
    assertEquals(
        List.of("beta"),
        published.getLast().peers().stream().map(ExplorerEvent.PeerChoice::name).toList(),
        "a fading peer is no longer offered for submit");

    clock.advance(Duration.ofSeconds(9));
    model.tick();
    assertEquals(2, model.peers().size(), "still fading");
    clock.advance(Duration.ofSeconds(1));
    model.tick();
    assertEquals(List.of("beta"), model.peers().stream().map(PeerRow::name).toList());
  }

  @Test
  void aSilentPeerFadesAfterTheSilenceAndComesBackWhenHeardAgain() {
    model.startListening();
    client.listener.announced(sighting(alpha, "alpha", "127.0.0.1", Optional.empty()));
    clock.advance(Duration.ofSeconds(89));
    model.tick();
    assertFalse(model.peers().getFirst().isFading());
    clock.advance(Duration.ofSeconds(1));
    model.tick();
    assertTrue(model.peers().getFirst().isFading());

    client.listener.announced(sighting(alpha, "alpha", "127.0.0.1", Optional.empty()));
    assertFalse(model.peers().getFirst().isFading());
  }

  @Test
  void unverifiableDatagramsAreCountedInTheStatusAndStoppingClosesTheListener() {
    model.startListening();
    client.listener.rejected("bad signature");
    client.listener.rejected("stale");
    assertEquals("refused 2 unverifiable datagram(s); last: stale", model.statusProperty().get());
    model.stopListening();
    assertTrue(client.listenerClosed);
    assertFalse(model.listeningProperty().get());
  }

  @Test
  void aGroupThatCannotBeHeardIsSaidBesideTheListeningState() {
    client.unheard = List.of("ff02:0:0:0:0:0:0:5745 port 22341: Address already in use");
    model.startListening();
    assertEquals(
        "listening for announcements (not on ff02:0:0:0:0:0:0:5745 port 22341: Address already in use)",
        model.listeningTextProperty().get());
    model.stopListening();
    assertEquals("not listening", model.listeningTextProperty().get());
  }
}
