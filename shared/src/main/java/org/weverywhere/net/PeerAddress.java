package org.weverywhere.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a daemon is reached: a host name or IP literal, for an IPv6 link-local address the zone
 * (the interface it is on, {@code fe80::1%eth0}), and a UDP port. Written {@code host:port} or
 * {@code [IPv6%zone]:port}; the one peer address of the CLI, the explorer and the daemon ({@code
 * peers.static}), so that a link-local peer works from each of them.
 *
 * <p>Parsing never resolves a name (no DNS) and refuses anything ambiguous with a one-line reason.
 *
 * @param host a lower-case host name, a dotted IPv4 address, or an RFC 5952 IPv6 address (no zone,
 *     no brackets)
 * @param zone the IPv6 zone: an interface name or number; only for an IPv6 host
 * @param port 1 to 65535, or 0 for "none given" (a PEER typed without one)
 */
public record PeerAddress(String host, Optional<String> zone, int port) {
  /** Longer text is refused unread: a host name has at most 253 characters. */
  public static final int MAX_TEXT = 320;

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  public PeerAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(zone, "zone");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not 1 to 65535");
    }
    if (zone.isPresent() && host.indexOf(':') < 0) {
      throw new IllegalArgumentException("a zone belongs only to an IPv6 address, not " + host);
    }
  }

  /** A peer address written with a port: {@code host:port} or {@code [IPv6%zone]:port}. */
  public static PeerAddress parse(String text) {
    PeerAddress address = parse(text, 0);
    if (address.port == 0) {
      throw malformed(
          text,
          address.isIpv6() && !text.strip().startsWith("[")
              ? "an IPv6 address with a port is written [" + address.hostText() + "]:PORT"
              : "no port (host:port or [IPv6]:port, e.g. 192.0.2.7:22341)");
    }
    return address;
  }

  /**
   * A peer address whose port may be left out, then {@code defaultPort} (0: none given): {@code
   * host}, {@code host:port}, {@code [IPv6%zone]}, {@code [IPv6%zone]:port}, or a bare {@code
   * IPv6%zone} (more than one colon and no brackets: an address without a port).
   */
  public static PeerAddress parse(String text, int defaultPort) {
    Objects.requireNonNull(text, "text");
    if (defaultPort < 0 || defaultPort > 65535) {
      throw new IllegalArgumentException("default port " + defaultPort + " is not 0 to 65535");
    }
    if (text.length() > MAX_TEXT) {
      throw malformed(text, "longer than any peer address (" + text.length() + " characters)");
    }
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty peer address");
    }
    String hostPart;
    String portPart = null;
    boolean bracketed = s.startsWith("[");
    if (bracketed) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw malformed(text, "no ']' closes the '['");
      }
      hostPart = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (hostPart.indexOf('[') >= 0 || rest.indexOf('[') >= 0 || rest.indexOf(']') >= 0) {
        throw malformed(text, "more than one pair of brackets");
      }
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          throw malformed(text, "expected ':PORT' after ']', found '" + rest + "'");
        }
        portPart = rest.substring(1);
      }
    } else {
      if (s.indexOf(']') >= 0) {
        throw malformed(text, "a ']' without '['");
      }
      int first = s.indexOf(':');
      int last = s.lastIndexOf(':');
      if (first >= 0 && first == last) { // one colon: host:port; more: a bare IPv6 address
        hostPart = s.substring(0, first);
        portPart = s.substring(first + 1);
      } else {
        hostPart = s;
      }
    }
    int port = portPart == null ? defaultPort : port(text, portPart);
    return host(text, hostPart, bracketed, port);
  }

  /**
   * The address a datagram came from or went to, zone kept: a link-local sender is only reachable
   * through the interface it was heard on.
   */
  public static PeerAddress of(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      return new PeerAddress(
          address.getHostString().toLowerCase(Locale.ROOT), Optional.empty(), address.getPort());
    }
    if (ip instanceof Inet6Address v6) {
      Optional<String> zone =
          v6.getScopedInterface() != null
              ? Optional.of(v6.getScopedInterface().getName())
              : v6.getScopeId() != 0
                  ? Optional.of(Integer.toString(v6.getScopeId()))
                  : Optional.empty();
      return new PeerAddress(ipv6Text(v6), zone, address.getPort());
    }
    return new PeerAddress(ip.getHostAddress(), Optional.empty(), address.getPort());
  }

  /** Whether the host is an IPv6 literal. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** The host as {@link InetAddress#getByName} takes it: IPv6 with {@code %zone}, no brackets. */
  public String hostText() {
    return zone.map(z -> host + "%" + z).orElse(host);
  }

  /** The same host with another port. */
  public PeerAddress withPort(int newPort) {
    return new PeerAddress(host, zone, newPort);
  }

  /**
   * The socket address to send to; a host name is looked up now (unresolved when unknown, as {@link
   * InetSocketAddress} leaves it), an IP literal never is.
   */
  public InetSocketAddress socketAddress() {
    if (port == 0) {
      throw new IllegalStateException(this + " has no port");
    }
    return new InetSocketAddress(hostText(), port);
  }

  /**
   * The base of the HTTP bulk channel on this host, e.g. {@code http://192.0.2.7:22341} or {@code
   * http://[fe80::1%3]:22341}. A zone is written as the interface's number: the JDK's URI refuses
   * interface names with a '-', and its HTTP client does not decode {@code %25}.
   *
   * @throws IllegalArgumentException when the zone names an interface this host does not have
   */
  public URI http(int httpPort) {
    if (httpPort < 1 || httpPort > 65535) {
      throw new IllegalArgumentException("HTTP port " + httpPort + " is not 1 to 65535");
    }
    String authority =
        isIpv6() ? "[" + host + zone.map(z -> "%" + zoneNumber(z)).orElse("") + "]" : host;
    return URI.create("http://" + authority + ":" + httpPort);
  }

  /** {@code host:port}, {@code [IPv6%zone]:port}; without {@code :port} when none was given. */
  @Override
  public String toString() {
    String shown = isIpv6() ? "[" + hostText() + "]" : host;
    return port == 0 ? shown : shown + ":" + port;
  }

  /**
   * RFC 5952 text of an IPv6 address: lower case, the longest run of two or more zero groups as
   * "::" (Java writes them all out), no zone. An IPv4 address comes back as Java writes it.
   */
  public static String ipv6Text(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != 16) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  private static PeerAddress host(String text, String hostPart, boolean bracketed, int port) {
    String literal = hostPart;
    Optional<String> zone = Optional.empty();
    int percent = hostPart.indexOf('%');
    if (percent >= 0) {
      literal = hostPart.substring(0, percent);
      String z = hostPart.substring(percent + 1);
      if (z.isEmpty()) {
        throw malformed(text, "empty zone after '%'");
      }
      if (!ZONE.matcher(z).matches()) {
        throw malformed(text, "zone '" + z + "' is not an interface name or number");
      }
      zone = Optional.of(z);
    }
    if (literal.isEmpty()) {
      throw malformed(text, "no host");
    }
    if (literal.indexOf(':') >= 0) {
      InetAddress ip = ipv6(text, literal);
      if (ip instanceof Inet4Address && zone.isPresent()) { // ::ffff:a.b.c.d is IPv4 to Java
        throw malformed(text, "a zone (%" + zone.get() + ") belongs only to an IPv6 address");
      }
      return new PeerAddress(ipv6Text(ip), zone, port);
    }
    if (bracketed && !IPV4.matcher(literal).matches()) {
      // an IPv4 literal in brackets is harmless and people write it; a host name in them is not
      throw malformed(text, "brackets hold an IP address, not '" + literal + "'");
    }
    if (zone.isPresent()) {
      throw malformed(text, "a zone (%" + zone.get() + ") belongs only to an IPv6 address");
    }
    if (IPV4.matcher(literal).matches()) {
      for (String part : literal.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw malformed(text, "'" + literal + "' is not an IPv4 address (a part above 255)");
        }
      }
      return new PeerAddress(literal, zone, port);
    }
    if (!HOST_NAME.matcher(literal).matches()) {
      throw malformed(text, "'" + literal + "' is not a host name or IP address");
    }
    return new PeerAddress(literal.toLowerCase(Locale.ROOT), zone, port);
  }

  private static InetAddress ipv6(String text, String literal) {
    // the character check comes first: only then is getByName a pure literal parse, never DNS
    if (!IPV6.matcher(literal).matches()) {
      throw malformed(text, "'" + literal + "' is not an IPv6 address");
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException notLiteral) {
      throw malformed(text, "'" + literal + "' is not an IPv6 address");
    }
  }

  private static int port(String text, String portPart) {
    if (portPart.isEmpty()) {
      throw malformed(text, "no port after ':'");
    }
    if (!NUMBER.matcher(portPart).matches() || portPart.length() > 5) {
      throw malformed(text, "port '" + portPart + "' is not a number from 1 to 65535");
    }
    int port = Integer.parseInt(portPart);
    if (port < 1 || port > 65535) {
      throw malformed(text, "port " + port + " is not 1 to 65535");
    }
    return port;
  }

  /** The interface number of a zone, which the JDK's URI and HTTP client both take. */
  private static String zoneNumber(String zone) {
    if (NUMBER.matcher(zone).matches()) {
      return zone;
    }
    try {
      NetworkInterface nic = NetworkInterface.getByName(zone);
      if (nic == null || nic.getIndex() < 0) {
        throw new IllegalArgumentException(
            "zone %" + zone + ": this host has no interface '" + zone + "'");
      }
      return Integer.toString(nic.getIndex());
    } catch (SocketException failed) {
      throw new IllegalArgumentException(
          "zone %" + zone + ": cannot list interfaces: " + failed.getMessage(), failed);
    }
  }

  private static IllegalArgumentException malformed(String text, String reason) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    String message = "peer address '" + shown + "': " + reason;
    StringBuilder printable = new StringBuilder();
    message
        .codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) { // one line, whatever the text held
                printable.append(String.format("\\x%02x", c));
              } else {
                printable.appendCodePoint(c);
              }
            });
    return new IllegalArgumentException(printable.toString());
  }
}
