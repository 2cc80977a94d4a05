package org.weverywhere.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where discovery happens: an IPv4 and an IPv6 multicast group and the UDP port daemons listen on.
 */
public record MulticastGroups(InetAddress ipv4, InetAddress ipv6, int port) {
  /** UDP port 22341 = 0x5745, "WE"; also the default HTTP port of the bulk channel. */
  public static final int DEFAULT_PORT = 22341;

  /**
   * 239.255.87.69 (organization-local scope, 0x57 0x45 = "WE"), ff02::5745 (link-local), port
   * 22341.
   */
  public static final MulticastGroups DEFAULT = of("239.255.87.69", "ff02::5745", DEFAULT_PORT);

  public MulticastGroups {
    if (!ipv4.isMulticastAddress() || !ipv6.isMulticastAddress() || port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "multicast groups need multicast addresses and a port 1..65535");
    }
  }

  /** The groups from literal addresses (never a name lookup). */
  public static MulticastGroups of(String ipv4, String ipv6, int port) {
    return new MulticastGroups(literal(ipv4), literal(ipv6), port);
  }

  /** An address from its literal form; a host name is refused rather than looked up. */
  static InetAddress literal(String text) {
    if (!text.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException("not an IP address literal: " + text);
    }
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException bad) {
      throw new IllegalArgumentException("not an IP address literal: " + text, bad);
    }
  }

  public MulticastGroups withPort(int other) {
    return new MulticastGroups(ipv4, ipv6, other);
  }

  InetSocketAddress v4() {
    return new InetSocketAddress(ipv4, port);
  }

  InetSocketAddress v6() {
    return new InetSocketAddress(ipv6, port);
  }
}
