package org.weverywhere.service;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.config.InterfaceSelection;
import org.weverywhere.config.NetworkSettings;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.InterfaceChoice;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.net.UnicastProbe;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Fingerprint;

/**
 * The other daemons around, as their verified announcements say: a unicast {@code discover} to each
 * of {@code peers.static} (which multicast does not reach) and one multicast {@code discover} on
 * the interfaces this daemon serves. Asked only when a module imports a service found by name, and
 * kept a few seconds, so a burst of runs costs one round.
 */
final class ServiceFinder {
  /** How long a multicast discover listens: answers are spread over a few hundred ms at most. */
  static final Duration LISTEN = Duration.ofMillis(700);

  /** At most this many daemons are considered: bounds the describes a link may cost. */
  static final int MAX_DAEMONS = 64;

  private static final Duration KEPT = Duration.ofSeconds(5);

  private final NetworkSettings network;
  private final MessageSigner signer;
  private final UnicastProbe probe;
  private final Fingerprint self;
  private long foundAt;
  private Found found;

  /** The daemons heard, and why others were not (static peers silent, multicast unavailable). */
  record Found(List<Announcement> daemons, List<String> unheard) {}

  ServiceFinder(NetworkSettings network, MessageSigner signer, UnicastProbe probe) {
    this.network = network;
    this.signer = signer;
    this.probe = probe;
    this.self = signer.fingerprint();
  }

  /** What was heard, without this daemon, at most {@link #MAX_DAEMONS}, one per node. */
  synchronized Found around() {
    if (found != null && System.nanoTime() - foundAt < KEPT.toNanos()) {
      return found;
    }
    Map<Fingerprint, Announcement> heard = new LinkedHashMap<>();
    List<String> unheard = new ArrayList<>();
    for (PeerAddress peer : network.staticPeers()) {
      if (heard.size() >= MAX_DAEMONS) {
        break;
      }
      try {
        Announcement a = probe.ask(peer.socketAddress(), LISTEN);
        heard.putIfAbsent(a.node(), a);
      } catch (ProtocolException silent) {
        unheard.add(
            peer + ": " + silent.getMessage()); // not a candidate; the link's reason says so
      }
    }
    try {
      List<NetworkInterface> nics = interfaces();
      if (!nics.isEmpty() && heard.size() < MAX_DAEMONS) {
        var groups = new MulticastGroups(network.ipv4Group(), network.ipv6Group(), network.port());
        boolean loopback = network.interfaces() instanceof InterfaceSelection.Loopback;
        var discovery =
            new Discovery(
                signer,
                Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
                groups,
                nics,
                loopback ? 0 : network.ttl(),
                Clock.systemUTC());
        discovery.discover(LISTEN, MAX_DAEMONS + 1, a -> heard.putIfAbsent(a.node(), a));
      }
    } catch (ProtocolException | SocketException cannot) {
      unheard.add("multicast: " + cannot.getMessage()); // the static peers are all there is
    }
    heard.remove(self);
    List<Announcement> daemons = List.copyOf(heard.values());
    found =
        new Found(daemons.subList(0, Math.min(daemons.size(), MAX_DAEMONS)), List.copyOf(unheard));
    foundAt = System.nanoTime();
    return found;
  }

  /** A daemon named here stopped answering: ask again at the next link. */
  synchronized void forget() {
    found = null;
  }

  /** The daemon's own choice ({@code network.interfaces}), made as its UDP endpoint makes it. */
  private List<NetworkInterface> interfaces() throws SocketException {
    return switch (network.interfaces()) {
      case InterfaceSelection.Loopback loopback -> InterfaceChoice.loopback().interfaces();
      case InterfaceSelection.All all -> InterfaceChoice.all().interfaces();
      case InterfaceSelection.Named named -> InterfaceChoice.named(named.names()).interfaces();
    };
  }
}
