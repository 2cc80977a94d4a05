package org.weverywhere.desktop.peers;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.weverywhere.desktop.client.Sighting;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.trust.Fingerprint;

/**
 * One row of the Peers table: the latest facts about a node, merged from every sighting of it.
 *
 * @param addresses every address the node was heard from (IPv4 and IPv6 sightings of one node meet
 *     here)
 * @param roundTrip the latest measured round trip; an unsolicited announce keeps the previous one
 * @param fadingSince set once the node said bye or fell silent; the row fades, then goes
 */
public record PeerRow(
    Fingerprint node,
    String name,
    List<InetSocketAddress> addresses,
    int httpPort,
    int protocolVersion,
    List<String> libraries,
    List<String> services,
    Instant lastSeen,
    Optional<Duration> roundTrip,
    Optional<Instant> fadingSince) {
  public PeerRow {
    addresses = List.copyOf(addresses);
    libraries = List.copyOf(libraries);
    services = List.copyOf(services);
  }

  static PeerRow first(Sighting s) {
    return new PeerRow(
        s.node(),
        s.name(),
        List.of(s.from()),
        s.httpPort(),
        s.protocolVersion(),
        s.libraries(),
        s.services(),
        s.heardAt(),
        s.roundTrip(),
        Optional.empty());
  }

  /** This peer after another sighting: newest facts win, addresses accumulate, it is live again. */
  PeerRow seenAgain(Sighting s) {
    List<InetSocketAddress> all = new ArrayList<>(addresses);
    all.remove(s.from());
    all.add(s.from()); // last = latest, the one requests go to
    return new PeerRow(
        node,
        s.name(),
        all,
        s.httpPort(),
        s.protocolVersion(),
        s.libraries(),
        s.services(),
        s.heardAt(),
        s.roundTrip().or(() -> roundTrip),
        Optional.empty());
  }

  PeerRow fading(Instant since) {
    return new PeerRow(
        node,
        name,
        addresses,
        httpPort,
        protocolVersion,
        libraries,
        services,
        lastSeen,
        roundTrip,
        Optional.of(since));
  }

  public boolean isFading() {
    return fadingSince.isPresent();
  }

  /** Where to send requests: the address it was last heard from. */
  public DaemonAddress address() {
    return new DaemonAddress(node, addresses.getLast(), httpPort);
  }

  /** The addresses as one cell's text, e.g. {@code 10.0.0.5, fe80::1%eth0}. */
  public String addressText() {
    return String.join(", ", addresses.stream().map(a -> a.getAddress().getHostAddress()).toList());
  }
}
