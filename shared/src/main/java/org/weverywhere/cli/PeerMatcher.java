package org.weverywhere.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.weverywhere.ErrorCode;

/**
 * Picks the daemon a user means from those that answered discovery. A PEER is, in this order: a
 * node id ({@code SHA256:...}) or a unique prefix of it (with or without {@code SHA256:}), a daemon
 * name, or {@code host[:port]} compared with the address (and UDP port) the daemon answered from.
 */
final class PeerMatcher {
  private PeerMatcher() {}

  static Peer match(String wanted, List<Peer> found) {
    if (wanted.isBlank()) {
      throw new CommandException(
          ErrorCode.PROTOCOL_PEER_UNKNOWN, "an empty peer name matches no daemon");
    }
    List<Peer> byId = found.stream().filter(p -> idMatches(wanted, p)).toList();
    if (!byId.isEmpty()) {
      return single(wanted, byId);
    }
    List<Peer> byName = found.stream().filter(p -> p.name().equals(wanted)).toList();
    if (!byName.isEmpty()) {
      return single(wanted, byName);
    }
    List<Peer> byAddress = byAddress(wanted, found);
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

  private static boolean idMatches(String wanted, Peer peer) {
    String id = peer.node().toString();
    String bare = id.substring("SHA256:".length());
    // fingerprints are base64, so case matters; a prefix needs a few characters to mean anything
    return wanted.startsWith("SHA256:")
        ? id.startsWith(wanted) && wanted.length() > "SHA256:".length() + 3
        : wanted.length() >= 4 && bare.startsWith(wanted);
  }

  /** {@code host[:port]} as typed; {@code port} is -1 when none was given. */
  record HostPort(String host, int port) {
    /**
     * An IP address, which cannot be a daemon's name, or any host with a port: worth asking
     * directly.
     */
    boolean explicit() {
      return port > 0 || host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }
  }

  /**
   * {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} or a bare IPv6 address; empty
   * if malformed.
   */
  static Optional<HostPort> hostPort(String wanted) {
    if (wanted.startsWith(":") && !wanted.startsWith("::")) { // a port without a host
      return Optional.empty();
    }
    String host = wanted;
    int port = -1;
    int colon = wanted.lastIndexOf(':');
    if (wanted.startsWith("[")) {
      int close = wanted.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = wanted.substring(1, close);
      if (wanted.length() > close + 1) {
        if (wanted.charAt(close + 1) != ':') {
          return Optional.empty();
        }
        port = port(wanted.substring(close + 2));
      }
    } else if (colon > 0
        && wanted.indexOf(':') == colon) { // one colon: host:port, more: a bare IPv6 address
      host = wanted.substring(0, colon);
      port = port(wanted.substring(colon + 1));
    }
    return port == 0 || host.isEmpty() ? Optional.empty() : Optional.of(new HostPort(host, port));
  }

  private static List<Peer> byAddress(String wanted, List<Peer> found) {
    Optional<HostPort> parsed = hostPort(wanted);
    if (parsed.isEmpty()) {
      return List.of();
    }
    Set<InetAddress> addresses = new LinkedHashSet<>();
    try {
      addresses.addAll(List.of(InetAddress.getAllByName(parsed.get().host())));
    } catch (UnknownHostException | SecurityException unknown) {
      return List.of();
    }
    int wantedPort = parsed.get().port();
    List<Peer> matches = new ArrayList<>();
    for (Peer peer : found) {
      if (addresses.contains(peer.udp().getAddress())
          && (wantedPort < 0 || peer.udp().getPort() == wantedPort)) {
        matches.add(peer);
      }
    }
    return matches;
  }

  /** The port number, or 0 when the text is not one. */
  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      return port >= 1 && port <= 65535 ? port : 0;
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }

  private static Peer single(String wanted, List<Peer> matches) {
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

  private static String labels(List<Peer> peers) {
    return String.join(", ", peers.stream().map(Peer::label).toList());
  }
}
