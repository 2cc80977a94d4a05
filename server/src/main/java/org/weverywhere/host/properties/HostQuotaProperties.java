package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Cores;
import org.weverywhere.config.HostQuota;
import org.weverywhere.config.Rate;

/**
 * {@code host.quota.*}: what the whole host grants. Live: a reload applies it, so the beans that
 * use it read it again on {@link org.weverywhere.host.ConfigChanged}.
 */
@ConfigProperties(prefix = "host.quota")
@Dependent
public class HostQuotaProperties {
  private Cores cores;
  private ByteSize memory;

  @ConfigProperty(name = "network.rate")
  private Rate networkRate;

  @ConfigProperty(name = "network.period-bytes")
  private ByteSize networkPeriodBytes;

  @ConfigProperty(name = "network.period")
  private Duration networkPeriod;

  @ConfigProperty(name = "disk.per-execution")
  private ByteSize diskPerExecution;

  /** As the shared code's record, which the typed configuration also gives. */
  public HostQuota quota() {
    return new HostQuota(
        cores, memory, networkRate, networkPeriodBytes, networkPeriod, diskPerExecution);
  }
}
