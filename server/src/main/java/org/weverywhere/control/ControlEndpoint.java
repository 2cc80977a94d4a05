package org.weverywhere.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.weverywhere.config.Config;
import org.weverywhere.config.DaemonPaths;
import org.weverywhere.host.properties.ControlProperties;

/**
 * The daemon's control socket, opened when the daemon starts (where {@link DaemonPaths} says, mode
 * 0660, group {@code control.group}) and removed when it stops.
 */
@ApplicationScoped
public class ControlEndpoint {
  private static final Logger LOG = Logger.getLogger(ControlEndpoint.class.getName());

  private Config config;
  private ControlActions actions;
  private ControlProperties control;
  private volatile ControlSocket socket;

  /** For CDI's client proxy only. */
  protected ControlEndpoint() {}

  @Inject
  public ControlEndpoint(
      Config config, ControlActions actions, @ConfigProperties ControlProperties control) {
    // the typed configuration for the socket's path only: ControlProperties says why
    this.config = config;
    this.actions = actions;
    this.control = control;
  }

  public void start() {
    Path path = DaemonPaths.of(config, System.getenv()).controlSocket();
    var group = control.group();
    var accounts = new SystemAccounts();
    PeerPolicy policy;
    try {
      policy = PeerPolicy.forThisProcess(group, accounts);
    } catch (IOException e) {
      throw new UncheckedIOException("control socket: " + e.getMessage(), e);
    }
    socket =
        ControlSocket.open(
            path, group, policy, new ControlProtocol(actions, Clock.systemUTC(), accounts));
    LOG.info(() -> "control socket at " + path + group.map(g -> " (group " + g + ")").orElse(""));
  }

  /**
   * Why the control socket cannot answer now (its accepting loop being restarted), for readiness.
   */
  public java.util.Optional<String> down() {
    ControlSocket open = socket;
    return open == null ? java.util.Optional.empty() : open.down();
  }

  /** Where the socket is, once started. */
  public Path path() {
    return socket.path();
  }

  @PreDestroy
  void stop() {
    if (socket != null) {
      socket.close();
    }
  }
}
