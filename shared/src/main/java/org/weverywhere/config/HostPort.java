package org.weverywhere.config;

/**
 * A peer address as written in {@code peers.static}: {@code host:port} or {@code
 * [v6-literal]:port}.
 */
public record HostPort(String host, int port) {

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
