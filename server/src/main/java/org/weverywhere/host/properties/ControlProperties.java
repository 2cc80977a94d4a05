package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * {@code control.*} less the socket's path: the Unix group that may use the control socket. Read at
 * start, when the socket is made. {@code control.socket} is not mapped: where the socket is depends
 * on whether the key was set at all (else {@code <state dir>/control.sock} for a daemon that is not
 * the system's), which MicroProfile Config cannot tell from the default its source holds, so {@link
 * org.weverywhere.config.DaemonPaths} works it out from the typed configuration, as the CLI does.
 */
@ConfigProperties(prefix = "control")
@Dependent
public class ControlProperties {
  private Optional<String> group;

  /** The group whose members may use the socket besides the daemon's user, when set. */
  public Optional<String> group() {
    return group;
  }
}
