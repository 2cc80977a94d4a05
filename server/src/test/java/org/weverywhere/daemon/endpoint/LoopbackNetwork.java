package org.weverywhere.daemon.endpoint;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.weverywhere.config.InterfaceSelection;
import org.weverywhere.config.NetworkSettings;

/** A UDP endpoint's settings for a test: loopback only, no multicast, no static peers. */
final class LoopbackNetwork {
  static NetworkSettings settings(int port) {
    return new NetworkSettings(
        new InterfaceSelection.Loopback(),
        false,
        InetAddress.getLoopbackAddress(),
        false,
        InetAddress.getLoopbackAddress(),
        port,
        0,
        Duration.ofMinutes(10),
        List.of());
  }

  private LoopbackNetwork() {}
}
