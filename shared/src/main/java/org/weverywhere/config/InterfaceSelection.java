package org.weverywhere.config;

import java.util.List;

/**
 * Which network interfaces the daemon joins the multicast groups on ({@code network.interfaces}).
 * Loopback only unless the host owner opts in: discovery never leaves the machine by accident.
 */
public sealed interface InterfaceSelection {

  /** Only the loopback interface, TTL 0: the secure default. */
  record Loopback() implements InterfaceSelection {
    @Override
    public String toString() {
      return "loopback";
    }
  }

  /** Every interface that is up and supports multicast. */
  record All() implements InterfaceSelection {
    @Override
    public String toString() {
      return "all";
    }
  }

  /** The interfaces with these names, e.g. {@code eth0, wlan0}. */
  record Named(List<String> names) implements InterfaceSelection {
    public Named {
      names = List.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("at least one interface name");
      }
    }

    @Override
    public String toString() {
      return String.join(", ", names);
    }
  }
}
