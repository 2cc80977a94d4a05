package org.weverywhere.net;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import org.weverywhere.trust.Fingerprint;

/**
 * Where one daemon answers: its node id (requests are addressed to it and only its key's replies
 * are taken), the UDP address it announced from or was asked at, and the HTTP port of its bulk
 * channel on the same host (0 when not known, e.g. a pinned peer that was never announced).
 */
public record DaemonAddress(Fingerprint node, InetSocketAddress udp, int httpPort) {
  public DaemonAddress {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(udp, "udp");
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("HTTP port " + httpPort + " is not 0 to 65535");
    }
  }

  /** The daemon a verified announce came from, at the address it came from. */
  public static DaemonAddress of(Announcement announcement) {
    return new DaemonAddress(
        announcement.node(), announcement.from(), announcement.announce().httpPort());
  }

  /** Whether its bulk channel's port is known. */
  public boolean hasHttp() {
    return httpPort > 0;
  }

  /**
   * The bulk channel's base URI, e.g. {@code http://10.0.0.5:22341} or {@code
   * http://[fe80::1%3]:22341}, on the address it answered from, the IPv6 zone kept.
   *
   * @throws IllegalArgumentException when the HTTP port is not known
   */
  public URI http() {
    return PeerAddress.of(udp).http(httpPort);
  }
}
