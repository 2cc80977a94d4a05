package org.weverywhere.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.weverywhere.net.Announcement;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.Fingerprint;

/** A daemon as its verified announce shows it: who, where its UDP and HTTP endpoints are, and its name. */
record Peer(Fingerprint node, String name, InetSocketAddress udp, int httpPort, List<String> libraries) {
  Peer {
    libraries = List.copyOf(libraries);
  }

  static Peer of(Announcement announcement) {
    return new Peer(announcement.node(), announcement.announce().name(), announcement.from(),
        announcement.announce().httpPort(), announcement.announce().libraries());
  }

  /**
   * Describes it ({@code what} empty: everything); refusals and silence throw. Over HTTP: a UDP
   * reply may be at most 3x the request, which a describe of more than a library or two exceeds, and
   * the daemon then sends nothing at all.
   */
  Message.Description describe(ClientOptions client, List<String> what) {
    return (Message.Description) client.bulk().request(http(), node, new Message.Describe(what)).message();
  }

  /** The base of its HTTP bulk channel, on the address it answered from. */
  URI http() {
    String host = udp.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host.replaceFirst("%.*", "") + "]" : host) + ":" + httpPort);
  }

  /** How it is shown to people: name and short node id. */
  String label() {
    return name + " (" + node.shortForm() + ")";
  }
}
