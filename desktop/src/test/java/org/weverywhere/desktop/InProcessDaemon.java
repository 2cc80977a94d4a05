package org.weverywhere.desktop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.trust.Fingerprint;

/**
 * The real daemon in this JVM, as the server's own tests run it: its beans under Weld SE with a
 * configuration of free loopback ports ({@link TestDaemonConfig}: loopback only, TTL 0), its HTTP
 * bulk channel on the JDK's server ({@link LoopbackBulkServer}). Closing it stops the container, so
 * the daemon says {@code bye}.
 */
public final class InProcessDaemon implements AutoCloseable {
  private final WeldContainer container;
  private final LoopbackBulkServer http;
  private final Daemon daemon;
  private final TestDaemonConfig config;
  private final int groupPort;
  private boolean closed;

  /**
   * @param libraries example modules it offers, e.g. {@code math.wasi}
   * @param lines more configuration, e.g. {@code group.anonymous.privileges = execute}
   */
  public InProcessDaemon(String name, List<String> libraries, String... lines) {
    this(0, name, libraries, lines);
  }

  /**
   * A daemon of a fleet in this JVM: it hears discovery on {@code groupPort}, as the others do, so
   * one explorer finds them all. Loopback only still: multicast joined and sent on {@code lo} with
   * TTL 0 (the named-interface mode, whose group socket others may share; the default loopback mode
   * keeps its port to itself).
   */
  public static InProcessDaemon onSharedPort(
      int groupPort, String name, List<String> libraries, String... lines) {
    return new InProcessDaemon(groupPort, name, libraries, lines);
  }

  /** A free UDP port for {@link #onSharedPort}. */
  public static int freeGroupPort() {
    try (var udp = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      return udp.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InProcessDaemon(int groupPort, String name, List<String> libraries, String... lines) {
    config = TestDaemonConfig.prepare(name, libraries, lines);
    this.groupPort = groupPort == 0 ? config.udpPort() : groupPort;
    try {
      if (groupPort != 0) {
        // weverywhere.d outranks weverywhere.conf, where the test configuration put its own port
        java.nio.file.Files.writeString(
            java.nio.file.Files.createDirectories(config.dir().resolve("weverywhere.d"))
                .resolve("50-fleet.conf"),
            "network.port = "
                + groupPort
                + "\nnetwork.interfaces = lo\nnetwork.ipv6.enabled = false\n");
      }
      // the configuration is read while the container starts (the daemon starts on its Startup
      // event)
      container = DaemonParts.weld("daemon-" + name + "-" + config.udpPort()).initialize();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      TestDaemonConfig.clear();
    }
    daemon = container.select(Daemon.class).get();
    try {
      http = LoopbackBulkServer.start(container.select(Endpoints.class).get(), config.httpPort());
    } catch (IOException e) {
      container.close();
      throw new UncheckedIOException(e);
    }
    if (!daemon.ready()) {
      close();
      throw new IllegalStateException("daemon " + name + " did not start");
    }
  }

  /** The groups it listens to: the standard addresses on its own free port. */
  public MulticastGroups groups() {
    return MulticastGroups.DEFAULT.withPort(groupPort);
  }

  public Fingerprint node() {
    return daemon.identity().nodeId();
  }

  /** Its control socket (under its own state directory), for the Events screen. */
  public java.nio.file.Path controlSocket() {
    return config.dir().resolve("state").resolve("control.sock");
  }

  public int httpPort() {
    return config.httpPort();
  }

  /** Stops the daemon (it says bye); again is a no-op. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.close();
    }
    container.close();
  }
}
