package org.weverywhere.traffic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Config;
import org.weverywhere.config.GroupQuota;
import org.weverywhere.config.HostQuota;
import org.weverywhere.config.Rate;
import org.weverywhere.host.ConfigChanged;

/** Produces the daemon's traffic ledger from the host and group quotas in the configuration. */
@ApplicationScoped
public class TrafficBeans {
  @Produces
  @Singleton
  TrafficLedger trafficLedger(Config config) {
    HostQuota host = config.hostQuota();
    return new TrafficLedger(
        group -> of(config.group(group).quota()),
        hostQuota(config),
        host.networkPeriod(),
        System::nanoTime);
  }

  /** New traffic quotas apply from the next request; what was used this period still counts. */
  void apply(@Observes ConfigChanged change, TrafficLedger ledger) {
    Config next = change.next();
    ledger.update(
        group -> of(next.group(group).quota()), hostQuota(next), next.hostQuota().networkPeriod());
  }

  private static TrafficQuota hostQuota(Config config) {
    HostQuota host = config.hostQuota();
    return new TrafficQuota(
        host.networkRate().perSecond().bytes(), host.networkPeriodBytes().bytes());
  }

  static TrafficQuota of(GroupQuota quota) {
    return new TrafficQuota(
        quota.networkRate().map(Rate::perSecond).map(ByteSize::bytes).orElse(0L),
        quota.networkPeriodBytes().map(ByteSize::bytes).orElse(0L));
  }
}
