package org.weverywhere.control;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.weverywhere.config.Config;
import org.weverywhere.events.EventJournal;
import org.weverywhere.exec.QuotaLedger;
import org.weverywhere.host.HostGroups;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.Intake;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.service.ServiceSnapshot;
import org.weverywhere.service.Services;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.traffic.TrafficLedger;

/**
 * The {@code status} report: who the daemon is, how long it has run, how loaded it is, and what the
 * host and each group hold now against their quotas (slots, memory, traffic this period).
 */
final class StatusReport {
  private final RunningConfig running;
  private final Intake intake;
  private final EventJournal journal;
  private final LibraryStore libraries;
  private final QuotaLedger quotas;
  private final TrafficLedger traffic;
  private final HostIdentity identity;
  private final Services services;

  StatusReport(
      RunningConfig running,
      Intake intake,
      EventJournal journal,
      LibraryStore libraries,
      QuotaLedger quotas,
      TrafficLedger traffic,
      HostIdentity identity,
      Services services) {
    this.running = running;
    this.intake = intake;
    this.journal = journal;
    this.libraries = libraries;
    this.quotas = quotas;
    this.traffic = traffic;
    this.identity = identity;
    this.services = services;
  }

  /** One service as status and service-start/stop report it. */
  static Map<String, Object> service(ServiceSnapshot service) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", service.name());
    data.put("library", service.library());
    data.put("group", service.group());
    data.put("state", service.state().name().toLowerCase(java.util.Locale.ROOT));
    data.put("instances", (long) service.instances());
    data.put("live", (long) service.live());
    data.put("since", service.since().toString());
    service.reason().ifPresent(reason -> data.put("reason", reason));
    return data;
  }

  Map<String, Object> status() {
    Config config = running.current();
    Map<String, Object> data = new LinkedHashMap<>();
    var runtime = ManagementFactory.getRuntimeMXBean();
    data.put("node", identity.nodeId().toString());
    data.put("started", Instant.ofEpochMilli(runtime.getStartTime()).toString());
    data.put("uptime-ms", runtime.getUptime());
    // CBOR here carries no floats: the load average travels as text, as /proc/loadavg writes it
    data.put(
        "load",
        String.format(
            java.util.Locale.ROOT,
            "%.2f",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    data.put("configuration", config.location());
    data.put("draining", intake.draining());
    data.put("in-flight", (long) intake.inFlight());
    data.put("libraries", (long) libraries.list().size());
    data.put(
        "builtin-libraries",
        libraries.builtins().stream().map(org.weverywhere.store.Library::name).toList());
    data.put("journal-next", journal.nextSequence());
    var host = config.hostQuota();
    QuotaLedger.Held held = quotas.held(null);
    data.put(
        "host",
        usage(
            held,
            (long) host.cores().count(),
            host.memory().bytes(),
            traffic.hostUsedThisPeriod(),
            host.networkPeriodBytes().bytes()));
    Map<String, Object> groups = new LinkedHashMap<>();
    for (String group : HostGroups.names(config, HostGroups.keys(config))) {
      var quota = quotas.quota(group);
      var settings = config.group(group);
      Map<String, Object> usage =
          usage(
              quotas.held(group),
              quota == null ? 0 : quota.cores(),
              quota == null ? 0 : quota.memoryTotal(),
              traffic.usedThisPeriod(group),
              settings.quota().networkPeriodBytes().map(b -> b.bytes()).orElse(0L));
      usage.put(
          "privileges",
          settings.privileges().stream()
              .map(p -> p.name().toLowerCase(java.util.Locale.ROOT))
              .sorted()
              .toList());
      groups.put(group, usage);
    }
    data.put("groups", groups);
    data.put("services", services.snapshot().stream().map(StatusReport::service).toList());
    return data;
  }

  private static Map<String, Object> usage(
      QuotaLedger.Held held, long cores, long memory, long trafficUsed, long trafficLimit) {
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("slots", (long) held.slots());
    usage.put("cores", cores);
    usage.put("memory-bytes", held.memoryBytes());
    usage.put("memory-limit", memory);
    usage.put("traffic-period-bytes", trafficUsed);
    usage.put("traffic-period-limit", trafficLimit); // 0: no limit
    return usage;
  }
}
