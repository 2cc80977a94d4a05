package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code calls.*}: how a guest's service calls reach other daemons. Read at start. */
@ConfigProperties(prefix = "calls")
@Dependent
public class CallProperties {
  @ConfigProperty(name = "max-depth")
  private int maxDepth;

  private Duration timeout;
  private boolean discover;

  public int maxDepth() {
    return maxDepth;
  }

  public Duration timeout() {
    return timeout;
  }

  public boolean discover() {
    return discover;
  }
}
