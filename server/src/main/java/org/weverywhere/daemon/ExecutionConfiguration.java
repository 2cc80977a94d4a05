package org.weverywhere.daemon;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Config;
import org.weverywhere.config.Cores;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorSettings;
import org.weverywhere.exec.GroupQuota;
import org.weverywhere.exec.HostQuota;
import org.weverywhere.exec.QuotaLedger;
import org.weverywhere.exec.QuotaSettings;

/**
 * The executor's settings from the configuration. A group limit left unset means "only the host
 * limits apply": cores and memory default to the host's, one execution's memory to the group's
 * memory, and its CPU time to the wall-clock timeout.
 */
@ApplicationScoped
public class ExecutionConfiguration {
  @Produces
  @Singleton
  ExecutorSettings executorSettings(Config config) {
    return executor(config);
  }

  /** New quotas and executor limits apply to executions admitted from now on. */
  void apply(@Observes ConfigChanged change, QuotaLedger ledger, Executor executor) {
    ledger.update(quotas(change.next()));
    executor.update(executor(change.next()));
  }

  static ExecutorSettings executor(Config config) {
    var executor = config.executor();
    return new ExecutorSettings(executor.engine(), executor.moduleCacheModules(),
        executor.outputMax().bytes(), executor.wallTimeout(), executor.queueMax());
  }

  @Produces
  @Singleton
  QuotaSettings quotaSettings(Config config) {
    return quotas(config);
  }

  static QuotaSettings quotas(Config config) {
    var host = config.hostQuota();
    var hostQuota = new HostQuota(host.cores().count(), host.memory().bytes());
    Duration wall = config.executor().wallTimeout();
    Map<String, GroupQuota> groups = new LinkedHashMap<>();
    for (String name : HostGroups.names(config, HostGroups.keys(config))) {
      var quota = config.group(name).quota();
      long memory = quota.memory().map(ByteSize::bytes).orElse(hostQuota.memoryTotal());
      groups.put(name, new GroupQuota(
          quota.cores().map(Cores::count).orElse(hostQuota.cores()),
          memory,
          quota.memoryPerExecution().map(ByteSize::bytes).orElse(memory),
          quota.cpuTimePerExecution().orElse(wall),
          Math.min(host.diskPerExecution().bytes(),
              quota.diskPerExecution().map(ByteSize::bytes).orElse(Long.MAX_VALUE))));
    }
    return new QuotaSettings(hostQuota, groups);
  }
}
