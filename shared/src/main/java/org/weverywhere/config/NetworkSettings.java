package org.weverywhere.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.weverywhere.net.PeerAddress;

/** Discovery and the UDP channel: multicast groups, port, interfaces and seed peers. */
public record NetworkSettings(
    InterfaceSelection interfaces,
    boolean ipv4Enabled,
    InetAddress ipv4Group,
    boolean ipv6Enabled,
    InetAddress ipv6Group,
    int port,
    int ttl,
    Duration announceInterval,
    List<PeerAddress> staticPeers) {}
