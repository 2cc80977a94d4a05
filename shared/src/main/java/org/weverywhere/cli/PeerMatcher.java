package org.weverywhere.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.weverywhere.ErrorCode;
import org.weverywhere.net.PeerAddress;

/**
 * Picks the daemon a user means from those that answered discovery. A PEER is, in this order: a
 * node id ({@code SHA256:...}) or a unique prefix of it (with or without {@code SHA256:}), a daemon
 * name, or {@code host[:port]} compared with the address (and UDP port) the daemon answered from.
 */
final class PeerMatcher {
  private PeerMatcher() {}

  static DiscoveredPeer match(String wanted, List<DiscoveredPeer> found) {
    if (wanted.isBlank()) {
      throw new CommandException(
          ErrorCode.PROTOCOL_PEER_UNKNOWN, "an empty peer name matches no daemon");
    }
    List<DiscoveredPeer> byId = found.stream().filter(p -> idMatches(wanted, p)).toList();
    if (!byId.isEmpty()) {
      return single(wanted, byId);
    }
    List<DiscoveredPeer> byName = found.stream().filter(p -> p.name().equals(wanted)).toList();
    if (!byName.isEmpty()) {
      return single(wanted, byName);
    }
    List<DiscoveredPeer> byAddress = byAddress(wanted, found);
    if (!byAddress.isEmpty()) {
      return single(wanted, byAddress);
    }
    throw new CommandException(
        ErrorCode.PROTOCOL_PEER_UNKNOWN,
        "no daemon matches '"
            + wanted
            + "' among "
            + (found.isEmpty()
                ? "the none that answered"
                : found.size() + " that answered: " + labels(found)));
  }

  private static boolean idMatches(String wanted, DiscoveredPeer peer) {
    String id = peer.node().toString();
    String bare = id.substring("SHA256:".length());
    // fingerprints are base64, so case matters; a prefix needs a few characters to mean anything
    return wanted.startsWith("SHA256:")
        ? id.startsWith(wanted) && wanted.length() > "SHA256:".length() + 3
        : wanted.length() >= 4 && bare.startsWith(wanted);
  }

  /**
   * An address typed as a PEER, which cannot be a daemon's name: an IP address, or any host with a
   * port. Worth asking directly.
   */
  static boolean explicit(PeerAddress address) {
    return address.port() > 0
        || address.isIpv6()
        || address.host().matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  /**
   * {@code host}, {@code host:port}, {@code [v6%zone]}, {@code [v6%zone]:port} or a bare IPv6
   * address, port 0 when none is given; empty if it is no address (then it may still be a name).
   */
  static Optional<PeerAddress> hostPort(String wanted) {
    try {
      return Optional.of(PeerAddress.parse(wanted, 0));
    } catch (IllegalArgumentException notAnAddress) {
      return Optional.empty();
    }
  }

  private static List<DiscoveredPeer> byAddress(String wanted, List<DiscoveredPeer> found) {
    Optional<PeerAddress> parsed = hostPort(wanted);
    if (parsed.isEmpty()) {
      return List.of();
    }
    Set<InetAddress> addresses = new LinkedHashSet<>();
    try {
      addresses.addAll(List.of(InetAddress.getAllByName(parsed.get().hostText())));
    } catch (UnknownHostException | SecurityException unknown) {
      return List.of();
    }
    int wantedPort = parsed.get().port() > 0 ? parsed.get().port() : -1;
    List<DiscoveredPeer> matches = new ArrayList<>();
    for (DiscoveredPeer peer : found) {
      if (addresses.contains(peer.udp().getAddress())
          && (wantedPort < 0 || peer.udp().getPort() == wantedPort)) {
        matches.add(peer);
      }
    }
    return matches;
  }

  private static DiscoveredPeer single(String wanted, List<DiscoveredPeer> matches) {
    if (matches.size() > 1) {
      throw new CommandException(
          ErrorCode.PROTOCOL_PEER_AMBIGUOUS,
          "'"
              + wanted
              + "' matches "
              + matches.size()
              + " daemons: "
              + labels(matches)
              + "; give more of the node id");
    }
    return matches.getFirst();
  }

  private static String labels(List<DiscoveredPeer> peers) {
    return String.join(", ", peers.stream().map(DiscoveredPeer::label).toList());
  }
}
