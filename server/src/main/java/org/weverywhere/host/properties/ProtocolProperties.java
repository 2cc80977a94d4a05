package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code protocol.*} less the request keys ({@link IdempotencyProperties}): message checks and
 * sessions. All read at start.
 */
@ConfigProperties(prefix = "protocol")
@Dependent
public class ProtocolProperties {
  @ConfigProperty(name = "clock-skew")
  private Duration clockSkew;

  @ConfigProperty(name = "replay-cache.size")
  private int replayCacheSize;

  @ConfigProperty(name = "session.entries")
  private int sessionEntries;

  @ConfigProperty(name = "session.lifetime")
  private Duration sessionLifetime;

  public Duration clockSkew() {
    return clockSkew;
  }

  public int replayCacheSize() {
    return replayCacheSize;
  }

  public int sessionEntries() {
    return sessionEntries;
  }

  public Duration sessionLifetime() {
    return sessionLifetime;
  }
}
