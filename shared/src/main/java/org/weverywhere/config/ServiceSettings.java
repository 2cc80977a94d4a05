package org.weverywhere.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.weverywhere.net.PeerAddress;

/**
 * One service as declared ({@code services.<Service-Name>.*}).
 *
 * @param library the library to run; empty when the key is missing (the service then fails to
 *     start)
 * @param memory limit of one instance; empty: the group's per-execution limit
 * @param cpuTime CPU time of one call; empty: the group's per-execution limit
 * @param exports callable functions; empty: every export but {@code _initialize} and {@code _start}
 * @param callers groups that may call; empty: every group with the execute privilege
 * @param peers where the service runs when not here ({@code services.<Name>.peer}); empty: here
 * @param peerService its name there ({@code services.<Name>.peer-service}, else {@code name})
 * @param peerNode the peer's pinned node id ({@code services.<Name>.peer-node}); empty: trust on
 *     first use
 */
public record ServiceSettings(
    String name,
    Optional<String> library,
    String group,
    Optional<ByteSize> memory,
    Optional<Duration> cpuTime,
    int instances,
    Optional<List<String>> exports,
    Optional<List<String>> callers,
    List<PeerAddress> peers,
    String peerService,
    Optional<org.weverywhere.trust.Fingerprint> peerNode) {
  public ServiceSettings {
    peers = List.copyOf(peers);
  }

  /** A service with no pinned peer node. */
  public ServiceSettings(
      String name,
      Optional<String> library,
      String group,
      Optional<ByteSize> memory,
      Optional<Duration> cpuTime,
      int instances,
      Optional<List<String>> exports,
      Optional<List<String>> callers,
      List<PeerAddress> peers,
      String peerService) {
    this(
        name,
        library,
        group,
        memory,
        cpuTime,
        instances,
        exports,
        callers,
        peers,
        peerService,
        Optional.empty());
  }

  /** Declared here to be called elsewhere: {@code services.<Name>.peer} names where it runs. */
  public boolean isRemote() {
    return !peers.isEmpty();
  }
}
