package org.weverywhere.service;

import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.weverywhere.config.InterfaceSelection;
import org.weverywhere.config.NetworkSettings;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.Daemons;
import org.weverywhere.net.InterfaceChoice;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.protocol.ProtocolException;
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
  private final Daemons daemons;
  private final Fingerprint self;
  private long foundAt;
  private Found found;

  /** The daemons heard, and why others were not (static peers silent, multicast unavailable). */
  record Found(List<Announcement> daemons, List<String> unheard) {}

  /**
   * @param self this daemon's node id: it is no candidate
   * @param daemons the client that asks, whose reach is {@link #reach}
   */
  ServiceFinder(Fingerprint self, NetworkSettings network, Daemons daemons) {
    this.network = network;
    this.daemons = daemons;
    this.self = self;
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
        Announcement a = daemons.probe(peer, network.port(), LISTEN);
        heard.putIfAbsent(a.node(), a);
      } catch (ProtocolException silent) {
        unheard.add(
            peer + ": " + silent.getMessage()); // not a candidate; the link's reason says so
      }
    }
    if (heard.size() < MAX_DAEMONS) {
      try {
        daemons.discover(LISTEN, MAX_DAEMONS + 1, a -> heard.putIfAbsent(a.node(), a));
      } catch (ProtocolException cannot) {
        unheard.add("multicast: " + cannot.getMessage()); // the static peers are all there is
      }
    }
    heard.remove(self);
    List<Announcement> others = List.copyOf(heard.values());
    found =
        new Found(others.subList(0, Math.min(others.size(), MAX_DAEMONS)), List.copyOf(unheard));
    foundAt = System.nanoTime();
    return found;
  }

  /** A daemon named here stopped answering: ask again at the next link. */
  synchronized void forget() {
    found = null;
  }

  /**
   * Where this daemon discovers: its groups on its own choice of interfaces ({@code
   * network.interfaces}, made as its UDP endpoint makes it), TTL 0 when that is loopback alone.
   *
   * @throws ProtocolException {@code TRANSPORT} when the interfaces cannot be listed
   */
  static Daemons.Reach reach(NetworkSettings network) {
    var groups = new MulticastGroups(network.ipv4Group(), network.ipv6Group(), network.port());
    try {
      return switch (network.interfaces()) {
        case InterfaceSelection.Loopback loopback ->
            Daemons.Reach.of(groups, InterfaceChoice.loopback());
        case InterfaceSelection.All all ->
            new Daemons.Reach(groups, InterfaceChoice.all().interfaces(), network.ttl());
        case InterfaceSelection.Named named ->
            new Daemons.Reach(
                groups, InterfaceChoice.named(named.names()).interfaces(), network.ttl());
      };
    } catch (SocketException failed) {
      throw new ProtocolException(
          ProtocolException.Reason.TRANSPORT,
          "cannot list interfaces: " + failed.getMessage(),
          failed);
    }
  }
}
