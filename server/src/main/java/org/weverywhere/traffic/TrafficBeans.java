package org.weverywhere.traffic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Config;
import org.weverywhere.config.GroupQuota;
import org.weverywhere.config.HostQuota;
import org.weverywhere.config.Rate;

/** Produces the daemon's traffic ledger from the host and group quotas in the configuration. */
@ApplicationScoped
public class TrafficBeans {
  @Produces
  @Singleton
  TrafficLedger trafficLedger(Config config) {
    HostQuota host = config.hostQuota();
    return new TrafficLedger(
        group -> of(config.group(group).quota()),
        new TrafficQuota(host.networkRate().perSecond().bytes(), host.networkPeriodBytes().bytes()),
        host.networkPeriod(),
        System::nanoTime);
  }

  static TrafficQuota of(GroupQuota quota) {
    return new TrafficQuota(
        quota.networkRate().map(Rate::perSecond).map(ByteSize::bytes).orElse(0L),
        quota.networkPeriodBytes().map(ByteSize::bytes).orElse(0L));
  }
}
