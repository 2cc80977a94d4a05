package org.weverywhere.desktop.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplorerConfigTest {
  @Test
  void loopbackAloneStaysOnThisHostAndThePortMovesTheGroups() throws Exception {
    String lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()).getName();
    Explorer.Options config = Explorer.Options.of(List.of("--interface", lo, "--port", "40001"));
    assertEquals(List.of(lo), config.interfaces().stream().map(NetworkInterface::getName).toList());
    assertEquals(0, config.ttl(), "TTL 0: nothing leaves the host");
    assertEquals(40001, config.groups().port());
    assertEquals(22341, Explorer.Options.of(List.of()).groups().port());
  }

  @Test
  void aBadArgumentIsOneLineThatSaysWhy() {
    assertEquals(
        "unknown option '--interfaces' (known: --interface NAME, --port N)",
        assertThrows(
                IllegalArgumentException.class,
                () -> Explorer.Options.of(List.of("--interfaces", "lo")))
            .getMessage());
    assertEquals(
        "--interface no-such-nic0: this host has no such interface",
        assertThrows(
                IllegalArgumentException.class,
                () -> Explorer.Options.of(List.of("--interface", "no-such-nic0")))
            .getMessage());
    assertEquals(
        "--port 70000: expected a UDP port, 1 to 65535",
        assertThrows(
                IllegalArgumentException.class,
                () -> Explorer.Options.of(List.of("--port", "70000")))
            .getMessage());
    assertEquals(
        "--port needs a value",
        assertThrows(IllegalArgumentException.class, () -> Explorer.Options.of(List.of("--port")))
            .getMessage());
  }
}
