package org.weverywhere.config;

import java.net.InetAddress;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets beans take {@code network.ipv4.group} and {@code network.ipv6.group} as an {@link
 * InetAddress}: a multicast literal of either family, never resolved (MicroProfile Config has no
 * converter for InetAddress, and a host name here would mean a DNS lookup at injection). Which
 * family a key wants is the configuration's check ({@link ConfigValueType#IPV4_MULTICAST}, {@link
 * ConfigValueType#IPV6_MULTICAST}), made with its file and line before anything is injected.
 */
public final class MulticastGroupConverter implements Converter<InetAddress> {
  private static final long serialVersionUID = 1L;

  @Override
  public InetAddress convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    // an IPv6 literal always has a colon, an IPv4 one never: the message names the family meant
    var family =
        value.contains(":") ? ConfigValueType.IPV6_MULTICAST : ConfigValueType.IPV4_MULTICAST;
    try {
      return family.parse(value);
    } catch (InvalidValueException bad) {
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
