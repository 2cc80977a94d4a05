package org.weverywhere.daemon.soak;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.trust.Fingerprint;

/**
 * The one daemon a soak runs against: its process (sampled from {@code /proc}), node id, UDP
 * address, multicast groups (on loopback), HTTP bulk channel, control socket and journal.
 */
record SoakTarget(
    long pid,
    Fingerprint node,
    InetSocketAddress udp,
    MulticastGroups groups,
    URI http,
    Path controlSocket,
    Path journal) {}
