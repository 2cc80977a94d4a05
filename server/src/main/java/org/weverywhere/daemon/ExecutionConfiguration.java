package org.weverywhere.daemon;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigEntry;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.ConfigProblem;
import org.weverywhere.config.Cores;
import org.weverywhere.config.InvalidConfigException;
import org.weverywhere.config.Origin;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.GroupLimits;
import org.weverywhere.exec.HostLimits;
import org.weverywhere.exec.QuotaLedger;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.host.ConfigChanged;
import org.weverywhere.host.ConfigProposed;
import org.weverywhere.host.HostGroups;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.properties.ExecutorProperties;

/**
 * The executor's settings from the configuration. A group limit left unset means "only the host
 * limits apply": cores and memory default to the host's, one execution's memory to the group's
 * memory shared by its cores (and no more than the host's memory shared by the host's cores), and
 * its CPU time to the wall-clock timeout.
 */
@ApplicationScoped
public class ExecutionConfiguration {
  @Produces
  @Singleton
  ExecutorParameters executorSettings(RunningConfig running) {
    // read, not injected: the executor is made at the first execution, on a request's thread,
    // where the container would fill an injected section from that thread's context class loader's
    // Config (ConfigSectionsTest); the running configuration reads the daemon's own
    return parameters(running.section(ExecutorProperties.class));
  }

  /**
   * A reload, set or unset whose quotas the heap cannot hold is refused like an invalid file,
   * before anything is written, so a running daemon is never left refusing every execution.
   */
  void check(@Observes ConfigProposed proposed) {
    refuseUnfit(proposed.next(), Runtime.getRuntime().maxMemory());
  }

  /**
   * New quotas and executor limits apply to executions admitted from now on. The executor's section
   * is read again, as it is now; quotas are per group name, so they come from the typed
   * configuration.
   */
  void apply(
      @Observes ConfigChanged change,
      QuotaLedger ledger,
      Executor executor,
      RunningConfig running) {
    ledger.update(
        fitToHeap(quotas(change.next()), executor.engine(), Runtime.getRuntime().maxMemory()));
    executor.update(parameters(running.section(ExecutorProperties.class)));
  }

  static ExecutorParameters parameters(ExecutorProperties executor) {
    return new ExecutorParameters(
        executor.engine(),
        executor.moduleCacheModules(),
        executor.outputMax().bytes(),
        executor.wallTimeout(),
        executor.queueMax());
  }

  @Produces
  @Singleton
  QuotaSettings quotaSettings(Config config) {
    // at start as on a reload: the daemon refuses to start on quotas that would refuse everything
    refuseUnfit(config, Runtime.getRuntime().maxMemory());
    return fitToHeap(quotas(config), config.executor().engine(), Runtime.getRuntime().maxMemory());
  }

  /** Heap the daemon keeps for itself whatever guests hold: caches, messages, journal, Liberty. */
  static final long DAEMON_HEAP = 512L << 20;

  private static final System.Logger LOG = System.getLogger(ExecutionConfiguration.class.getName());

  /**
   * Chicory keeps guest memory on the Java heap, and every engine keeps the executions' directory
   * trees there: a host memory quota the heap cannot hold beside {@link #DAEMON_HEAP} and a full
   * set of trees (cores × the largest per-execution disk quota) is lowered to what it can, so
   * guests can never starve the daemon of heap, however the JVM was started (docs/DAEMON.md).
   */
  static QuotaSettings fitToHeap(
      QuotaSettings quotas, org.weverywhere.config.Engine engine, long maxHeap) {
    long trees =
        quotas.groups().values().stream().mapToLong(GroupLimits::diskPerExecution).max().orElse(0);
    long treesAtOnce =
        Math.multiplyHigh(trees, quotas.host().cores()) != 0
            ? Long.MAX_VALUE
            : trees * quotas.host().cores();
    long guestHeap =
        engine == org.weverywhere.config.Engine.CHICORY ? quotas.host().memoryTotal() : 0;
    long room = maxHeap - DAEMON_HEAP - treesAtOnce;
    if (guestHeap <= room) {
      return quotas;
    }
    long fitted = Math.max(0, room);
    LOG.log(
        System.Logger.Level.WARNING,
        "host.quota.memory lowered from {0} to {1} bytes: the JVM heap ({2} bytes, -Xmx) must hold guest memory "
            + "(Chicory), {3} bytes of directory trees and {4} bytes for the daemon; raise -Xmx in jvm.options",
        quotas.host().memoryTotal(),
        fitted,
        maxHeap,
        treesAtOnce,
        DAEMON_HEAP);
    Map<String, GroupLimits> groups = new LinkedHashMap<>();
    quotas
        .groups()
        .forEach(
            (name, q) ->
                groups.put(
                    name,
                    new GroupLimits(
                        q.cores(),
                        Math.min(q.memoryTotal(), fitted),
                        Math.min(q.memoryPerExecution(), fitted),
                        q.cpuTimePerExecution(),
                        q.diskPerExecution())));
    return new QuotaSettings(new HostLimits(quotas.host().cores(), fitted), groups);
  }

  /**
   * Throws {@link InvalidConfigException} naming file and line when the heap could not run a single
   * execution under {@code config}'s quotas ({@link #heapProblem}).
   */
  static void refuseUnfit(Config config, long maxHeap) {
    heapProblem(config, maxHeap)
        .ifPresent(
            p -> {
              throw new InvalidConfigException(List.of(p));
            });
  }

  /**
   * What is wrong when {@link #fitToHeap} would leave no room for even one execution: the directory
   * trees of every slot at once (host.quota.cores × the largest disk.per-execution) and the
   * daemon's own heap leave less than the smallest grant of guest memory a group runs with (on
   * Chicory, whose guest memory is on the heap), or nothing at all. Lowering the memory quota would
   * then refuse every execution while only a log line said why (issue 13, found on a 2 GiB heap
   * with 8 cores). A fit that only lowers the memory quota is allowed, with its warning.
   */
  static Optional<ConfigProblem> heapProblem(Config config, long maxHeap) {
    QuotaSettings quotas = quotas(config);
    String largest = null;
    long trees = 0;
    for (var group : quotas.groups().entrySet()) {
      if (largest == null || group.getValue().diskPerExecution() > trees) {
        largest = group.getKey();
        trees = group.getValue().diskPerExecution();
      }
    }
    int cores = quotas.host().cores();
    long treesAtOnce = Math.multiplyHigh(trees, cores) != 0 ? Long.MAX_VALUE : trees * (long) cores;
    long smallestGrant =
        quotas.groups().values().stream()
            .mapToLong(GroupLimits::memoryPerExecution)
            .min()
            .orElse(0);
    boolean guestOnHeap = config.executor().engine() == org.weverywhere.config.Engine.CHICORY;
    long needed = guestOnHeap ? smallestGrant : 0;
    long room = maxHeap - DAEMON_HEAP - Math.min(treesAtOnce, maxHeap);
    if (room >= needed && room > 0) {
      return Optional.empty();
    }
    String disk =
        config.groupValue(ConfigKeys.GROUP_QUOTA_DISK_PER_EXECUTION, largest).isPresent()
                && trees < config.hostQuota().diskPerExecution().bytes()
            ? "group." + largest + ".quota.disk.per-execution"
            : ConfigKeys.HOST_QUOTA_DISK_PER_EXECUTION.name();
    String message =
        ConfigKeys.HOST_QUOTA_CORES.name()
            + " = "
            + cores
            + ": the JVM heap ("
            + mib(maxHeap)
            + ", -Xmx) cannot hold the directory trees of "
            + cores
            + " executions at once ("
            + cores
            + " × "
            + mib(trees)
            + ", "
            + disk
            + ") beside "
            + mib(DAEMON_HEAP)
            + " for the daemon"
            + (guestOnHeap
                ? " and " + mib(smallestGrant) + " of guest memory for one execution (Chicory)"
                : "")
            + ", so every execution would be refused; lower "
            + ConfigKeys.HOST_QUOTA_CORES.name()
            + " or "
            + disk
            + ", or raise -Xmx in jvm.options";
    return Optional.of(
        new ConfigProblem(
            originOf(config, ConfigKeys.HOST_QUOTA_CORES.name(), disk),
            ErrorCode.CONFIG_BAD_VALUE,
            message));
  }

  /** Where the first of {@code keys} that a file or the environment sets comes from. */
  private static Origin originOf(Config config, String... keys) {
    Origin fallback = null;
    for (String key : keys) {
      for (ConfigEntry entry : config.entries()) {
        if (entry.key().equals(key)) {
          if (!(entry.origin() instanceof Origin.Default)) {
            return entry.origin();
          }
          fallback = fallback == null ? entry.origin() : fallback;
        }
      }
    }
    return fallback != null ? fallback : new Origin.InFile(config.location(), 0);
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  static QuotaSettings quotas(Config config) {
    var host = config.hostQuota();
    var hostQuota = new HostLimits(host.cores().count(), host.memory().bytes());
    Duration wall = config.executor().wallTimeout();
    Map<String, GroupLimits> groups = new LinkedHashMap<>();
    for (String name : HostGroups.names(config, HostGroups.keys(config))) {
      var quota = config.group(name).quota();
      long memory = quota.memory().map(ByteSize::bytes).orElse(hostQuota.memoryTotal());
      int cores = quota.cores().map(Cores::count).orElse(hostQuota.cores());
      groups.put(
          name,
          new GroupLimits(
              cores,
              memory,
              // not the whole memory: a module that declares no maximum is granted this much, and a
              // grant of all of it would leave nothing for the group's other slots, a kept service
              // or
              // the compile of the next cold module (whose memory is reserved in the host's total)
              quota
                  .memoryPerExecution()
                  .map(ByteSize::bytes)
                  .orElse(
                      Math.min(
                          memory / Math.max(1, cores),
                          hostQuota.memoryTotal() / Math.max(1, hostQuota.cores()))),
              quota.cpuTimePerExecution().orElse(wall),
              Math.min(
                  host.diskPerExecution().bytes(),
                  quota.diskPerExecution().map(ByteSize::bytes).orElse(Long.MAX_VALUE))));
    }
    return new QuotaSettings(hostQuota, groups);
  }
}
