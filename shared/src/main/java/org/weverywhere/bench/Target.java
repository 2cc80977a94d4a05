package org.weverywhere.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.Fingerprint;

/**
 * One daemon under load: its node id, its UDP and HTTP endpoints, and the message that each entry
 * of the mix sends it (executes without a request key: each send gets a fresh one, so the daemon
 * runs every request rather than answering from a kept result).
 */
public record Target(
    String label, Fingerprint node, InetSocketAddress udp, URI http, List<Message> requests) {
  public Target {
    requests = List.copyOf(requests);
  }

  /** Whom a request for entry {@code entry} is addressed to: a discover to any node, as probes. */
  Audience audience(int entry) {
    return requests.get(entry) instanceof Message.Discover ? Audience.ANY : Audience.node(node);
  }
}
