package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.NetworkInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one way the CLI, the explorer and the daemon pick interfaces; only loopback is touched. */
class InterfaceChoiceTest {
  @Test
  void loopbackAloneStaysOnThisHost() throws Exception {
    InterfaceChoice lo = InterfaceChoice.loopback();
    assertEquals(1, lo.interfaces().size());
    assertTrue(lo.interfaces().getFirst().isLoopback());
    assertTrue(lo.loopbackOnly());
    assertEquals(0, lo.ttl());
  }

  @Test
  void namedKeepsOrderAndDropsRepeats() throws Exception {
    String name = InterfaceChoice.loopback().names().getFirst();
    InterfaceChoice named = InterfaceChoice.named(List.of(name, name));
    assertEquals(List.of(name), named.names());
    assertEquals(0, named.ttl());
  }

  @Test
  void allIncludesLoopbackWhenItIsUp() throws Exception {
    NetworkInterface lo = InterfaceChoice.loopback().interfaces().getFirst();
    if (lo.isUp()) {
      assertTrue(InterfaceChoice.all().interfaces().contains(lo));
    }
    for (NetworkInterface nic : InterfaceChoice.all().interfaces()) {
      assertTrue(nic.isUp(), nic.getName());
    }
  }

  @Test
  void unknownAndHostileNamesAreRefusedByName() {
    for (String name :
        List.of("we-no-such0", "", " ", "lo ", "lo\u0000", "../lo", "x".repeat(10_000), "é")) {
      InterfaceChoice.UnknownInterfaceException refused =
          assertThrows(
              InterfaceChoice.UnknownInterfaceException.class,
              () -> InterfaceChoice.named(List.of("lo", name)));
      assertEquals(name, refused.name());
      assertEquals("this host has no interface '" + name + "'", refused.getMessage());
    }
  }

  @Test
  void anEmptyChoiceIsNotLoopbackOnlyByAccident() {
    // allMatch over nothing is true: an empty choice sends nowhere, so TTL 0 is harmless
    assertEquals(0, new InterfaceChoice(List.of()).ttl());
  }
}
