package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.net.InetAddress;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ConfigValueType;
import org.weverywhere.config.NetworkSettings;

/**
 * {@code network.*}: discovery and the UDP channel. All read at start: the UDP sockets join their
 * groups on their interfaces once, and the per-source limiters are made with the endpoints.
 */
@ConfigProperties(prefix = "network")
@Dependent
public class NetworkProperties {
  // the text, parsed by the configuration's own parser in settings(): MicroProfile Config's
  // mapping takes a field of an interface type (InterfaceSelection is sealed) for a group of keys
  // of its own, not for one value, whatever converter is registered
  private String interfaces;

  @ConfigProperty(name = "ipv4.enabled")
  private boolean ipv4Enabled;

  @ConfigProperty(name = "ipv4.group")
  private InetAddress ipv4Group;

  @ConfigProperty(name = "ipv6.enabled")
  private boolean ipv6Enabled;

  @ConfigProperty(name = "ipv6.group")
  private InetAddress ipv6Group;

  private int port;
  private int ttl;

  @ConfigProperty(name = "announce.interval")
  private Duration announceInterval;

  @ConfigProperty(name = "describe-rate")
  private int describeRate;

  @ConfigProperty(name = "source-rate")
  private int sourceRate;

  /**
   * As the shared code's record, which the UDP endpoint and the service finder take, with the seed
   * peers of {@code peers.static} (a section of its own).
   */
  public NetworkSettings settings(PeersProperties peers) {
    return new NetworkSettings(
        ConfigValueType.INTERFACES.parse(interfaces),
        ipv4Enabled,
        ipv4Group,
        ipv6Enabled,
        ipv6Group,
        port,
        ttl,
        announceInterval,
        peers.staticPeers());
  }

  /** {@code describe} requests per second one source address of strangers may have answered. */
  public int describeRate() {
    return describeRate;
  }

  /** Datagrams and HTTP requests per second one source address may send before any check. */
  public int sourceRate() {
    return sourceRate;
  }
}
