package org.weverywhere.net;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The network interfaces discovery sends and listens on, chosen the same way by the CLI, the
 * explorer and the daemon: loopback alone (nothing leaves this host), every usable interface, or
 * interfaces by name.
 */
public record InterfaceChoice(List<NetworkInterface> interfaces) {
  public InterfaceChoice {
    interfaces = List.copyOf(interfaces);
  }

  /** A name given for an interface this host does not have. */
  public static final class UnknownInterfaceException extends SocketException {
    private static final long serialVersionUID = 1L;
    private final String name;

    UnknownInterfaceException(String name) {
      super("this host has no interface '" + name + "'");
      this.name = name;
    }

    /** The name as it was given. */
    public String name() {
      return name;
    }
  }

  /** The loopback interface alone. */
  public static InterfaceChoice loopback() throws SocketException {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    if (lo == null) {
      throw new SocketException("this host has no loopback interface");
    }
    return new InterfaceChoice(List.of(lo));
  }

  /**
   * Every interface that is up and can carry multicast, loopback included (multicast on lo works
   * with IP_MULTICAST_IF though lo lacks the MULTICAST flag): daemons on this host are peers too.
   */
  public static InterfaceChoice all() throws SocketException {
    List<NetworkInterface> chosen = new ArrayList<>();
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (nic.isUp() && (nic.supportsMulticast() || nic.isLoopback())) {
        chosen.add(nic);
      }
    }
    return new InterfaceChoice(chosen);
  }

  /**
   * The interfaces with these names, in this order, each once.
   *
   * @throws UnknownInterfaceException for the first name this host does not have
   */
  public static InterfaceChoice named(List<String> names) throws SocketException {
    List<NetworkInterface> chosen = new ArrayList<>();
    for (String name : names) {
      NetworkInterface nic = name.isEmpty() ? null : NetworkInterface.getByName(name);
      if (nic == null) {
        throw new UnknownInterfaceException(name);
      }
      if (!chosen.contains(nic)) {
        chosen.add(nic);
      }
    }
    return new InterfaceChoice(chosen);
  }

  /** Whether every chosen interface is loopback, so that nothing sent leaves this host. */
  public boolean loopbackOnly() {
    return interfaces.stream().allMatch(InterfaceChoice::isLoopback);
  }

  /** Multicast hops for a discover: 0 keeps loopback-only discovery on this host, 1 the link. */
  public int ttl() {
    return loopbackOnly() ? 0 : 1;
  }

  /** The interfaces' names, for messages. */
  public List<String> names() {
    return interfaces.stream().map(NetworkInterface::getName).toList();
  }

  private static boolean isLoopback(NetworkInterface nic) {
    try {
      return nic.isLoopback();
    } catch (SocketException gone) {
      return false; // an interface that vanished is no loopback to rely on
    }
  }
}
