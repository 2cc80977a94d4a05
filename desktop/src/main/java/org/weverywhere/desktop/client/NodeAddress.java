package org.weverywhere.desktop.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import org.weverywhere.trust.Fingerprint;

/**
 * Where one node answers: its node id (requests are addressed to it), the UDP address it announced
 * from, and the HTTP port of its bulk channel on the same host.
 */
public record NodeAddress(Fingerprint node, InetSocketAddress udp, int httpPort) {
  public NodeAddress {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(udp, "udp");
  }

  /**
   * The bulk channel's base URI, e.g. {@code http://10.0.0.5:22341} or {@code
   * http://[fe80::1%3]:22341}: made as the CLI makes it, the IPv6 zone kept.
   */
  public URI http() {
    return org.weverywhere.net.PeerAddress.of(udp).http(httpPort);
  }
}
