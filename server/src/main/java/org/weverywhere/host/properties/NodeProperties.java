package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * {@code node.*}: the name this daemon announces. Read at start. ({@code state.dir} is not here:
 * {@link org.weverywhere.host.StateDirectory} works it out with {@code WEVERYWHERE_STATE_DIR}, as
 * the CLI does.)
 */
@ConfigProperties(prefix = "node")
@Dependent
public class NodeProperties {
  private Optional<String> name;

  /** The name when set; else the daemon announces the host name. */
  public Optional<String> name() {
    return name;
  }
}
