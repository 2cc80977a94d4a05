package org.weverywhere.traffic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Config;
import org.weverywhere.config.GroupQuota;
import org.weverywhere.config.HostQuota;
import org.weverywhere.config.Rate;
import org.weverywhere.host.ConfigChanged;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.properties.HostQuotaProperties;

/**
 * Produces the daemon's traffic ledger from the host's quota section and the groups' quotas (per
 * group name, so from the typed configuration: a MicroProfile mapping has fixed keys).
 */
@ApplicationScoped
public class TrafficBeans {
  @Produces
  @Singleton
  TrafficLedger trafficLedger(Config config, @ConfigProperties HostQuotaProperties host) {
    HostQuota quota = host.quota();
    return new TrafficLedger(
        group -> of(config.group(group).quota()),
        hostQuota(quota),
        quota.networkPeriod(),
        System::nanoTime);
  }

  /**
   * New traffic quotas apply from the next request; what was used this period still counts. The
   * host's section is read again: the mapping injected at start keeps the values it started with.
   */
  void apply(@Observes ConfigChanged change, TrafficLedger ledger, RunningConfig running) {
    Config next = change.next();
    HostQuota quota = running.section(HostQuotaProperties.class).quota();
    ledger.update(group -> of(next.group(group).quota()), hostQuota(quota), quota.networkPeriod());
  }

  private static TrafficQuota hostQuota(HostQuota host) {
    return new TrafficQuota(
        host.networkRate().perSecond().bytes(), host.networkPeriodBytes().bytes());
  }

  static TrafficQuota of(GroupQuota quota) {
    return new TrafficQuota(
        quota.networkRate().map(Rate::perSecond).map(ByteSize::bytes).orElse(0L),
        quota.networkPeriodBytes().map(ByteSize::bytes).orElse(0L));
  }
}
