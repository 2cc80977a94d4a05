package org.weverywhere.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Daemons;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.Fingerprint;

/**
 * A daemon as its verified announce shows it: who, where its UDP and HTTP endpoints are, and its
 * name.
 */
record DiscoveredPeer(
    Fingerprint node, String name, InetSocketAddress udp, int httpPort, List<String> libraries) {
  DiscoveredPeer {
    libraries = List.copyOf(libraries);
  }

  static DiscoveredPeer of(Announcement announcement) {
    return new DiscoveredPeer(
        announcement.node(),
        announcement.announce().name(),
        announcement.from(),
        announcement.announce().httpPort(),
        announcement.announce().libraries());
  }

  /**
   * Describes it ({@code what} empty: everything); refusals and silence throw. Over UDP, page by
   * page (PROTOCOL.md §4); over HTTP only when the daemon says one library's description does not
   * fit a datagram ({@code WE5003}). Each page is retransmitted within --timeout: a page lost on
   * the way is asked again, not the whole.
   */
  Message.Description describe(ClientOptions client, List<String> what) {
    return client.daemons().describe(address(), what, Daemons.Route.UDP);
  }

  /** Where it answers, for the client of daemons. */
  DaemonAddress address() {
    return new DaemonAddress(node, udp, httpPort);
  }

  /** The base of its HTTP bulk channel, on the address it answered from (IPv6 zone kept). */
  URI http() {
    return address().http();
  }

  /** How it is shown to people: name and short node id. */
  String label() {
    return name + " (" + node.shortForm() + ")";
  }
}
