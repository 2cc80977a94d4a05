package org.weverywhere.desktop.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.trust.Fingerprint;

/**
 * One verified announce as the explorer sees it: which node, from where, what it offers, when it
 * was heard and, for an answer to our own discover, how long the round trip took.
 *
 * @param protocolVersion the header version of the announce
 * @param roundTrip empty for an unsolicited announce (nobody asked, so there is nothing to time)
 */
public record Sighting(
    Fingerprint node,
    String name,
    InetSocketAddress from,
    int httpPort,
    int protocolVersion,
    List<String> libraries,
    List<String> services,
    Instant heardAt,
    Optional<Duration> roundTrip) {
  public Sighting {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(from, "from");
    libraries = List.copyOf(libraries);
    services = List.copyOf(services);
    Objects.requireNonNull(heardAt, "heardAt");
    Objects.requireNonNull(roundTrip, "roundTrip");
  }

  /** Where to reach this node for describe, fetch and execute. */
  public DaemonAddress address() {
    return new DaemonAddress(node, from, httpPort);
  }
}
