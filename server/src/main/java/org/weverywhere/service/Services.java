package org.weverywhere.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Config;
import org.weverywhere.config.ServiceSettings;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.CallValue;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.ThreadSource;
import org.weverywhere.store.Library;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.store.StoreException;
import org.weverywhere.trust.Privilege;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.ExternType;

/**
 * The services this host declares ({@code services.<Service-Name>.*}), started with the daemon and
 * stopped with it; {@link #start}, {@link #stop} and {@link #snapshot} are what privileged control
 * uses, {@link #call} what the network uses.
 */
@ApplicationScoped
public class Services {
  /** How long a call waits for an idle instance (or a restart) before it is refused as busy. */
  static final Duration CALL_WAIT = Duration.ofSeconds(2);

  private Map<String, ServicePool> pools;
  private Map<String, ServiceSettings> declared;
  private ScheduledExecutorService scheduler;

  /** For CDI's client proxy only. */
  protected Services() {}

  @Inject
  public Services(Config config, LibraryStore libraries, Executor executor, EventJournal journal) {
    this(config, libraries, executor, journal, RestartPolicy.DEFAULT);
  }

  public Services(
      Config config,
      LibraryStore libraries,
      Executor executor,
      EventJournal journal,
      RestartPolicy policy) {
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            ThreadSource.platform("weverywhere-service-restarts", true));
    this.pools = new LinkedHashMap<>();
    this.declared = new LinkedHashMap<>();
    for (String name : config.services()) {
      ServiceSettings settings = config.service(name);
      if (settings.isRemote()) {
        continue; // runs elsewhere: only imports refer to it (ServiceImports)
      }
      if (settings.library().isEmpty() && config.serviceDiscover(name).isPresent()) {
        continue; // found on the network by name (or forbidden to be): only imports refer to it
      }
      declared.put(name, settings);
      boolean observe = config.group(settings.group()).privileges().contains(Privilege.OBSERVE);
      pools.put(
          name,
          pool(
              settings,
              libraries,
              executor,
              new AdmittedGroup(settings.group(), observe),
              policy,
              (type, data) -> journal.appendAsync(JournalEvent.unsequenced(type, name, data))));
    }
  }

  private ServicePool pool(
      ServiceSettings settings,
      LibraryStore libraries,
      Executor executor,
      AdmittedGroup requester,
      RestartPolicy policy,
      java.util.function.BiConsumer<String, ObjectNode> journal) {
    Library library = null;
    String problem = null;
    byte[] module = new byte[0];
    List<ServiceSnapshot.Function> functions = new ArrayList<>();
    if (settings.library().isEmpty()) {
      problem = "services." + settings.name() + ".library is not set";
    } else {
      try {
        library = libraries.find(settings.library().get());
        module = libraries.bytes(library.sha256());
      } catch (StoreException missing) {
        problem = missing.getMessage();
      }
    }
    if (library != null) {
      for (var export : library.info().exports()) {
        if (export.type() instanceof ExternType.Function function
            && !export.name().equals("_initialize")
            && !export.name().equals("_start")
            && settings.exports().map(names -> names.contains(export.name())).orElse(true)) {
          functions.add(
              new ServiceSnapshot.Function(
                  export.name(),
                  function.type(),
                  CallSignature.of(library.info(), export.name()).orElseThrow()));
        }
      }
      for (String wanted : settings.exports().orElse(List.of())) {
        if (functions.stream().noneMatch(f -> f.name().equals(wanted))) {
          problem =
              "services."
                  + settings.name()
                  + ".exports names '"
                  + wanted
                  + "', which library "
                  + library.label()
                  + " does not export";
        }
      }
    }
    return new ServicePool(
        settings, library, problem, module, functions, executor, requester, scheduler, policy,
        journal);
  }

  void startAll(@Observes Startup startup) {
    for (ServicePool pool : pools.values()) {
      pool.start("daemon started");
    }
  }

  /**
   * Starts a declared service (again, after a stop or a failure); {@code by} is who asked, for the
   * journal.
   */
  public ServiceSnapshot start(String name, String by) {
    ServicePool pool = pool(name);
    pool.start("started by " + by);
    return pool.snapshot();
  }

  /** Stops a service; calls in flight finish. {@code by} is who asked, for the journal. */
  public ServiceSnapshot stop(String name, String by) {
    ServicePool pool = pool(name);
    pool.stop("stopped by " + by);
    return pool.snapshot();
  }

  /** Every declared service as it is now, in name order. */
  public List<ServiceSnapshot> snapshot() {
    return pools.values().stream().map(ServicePool::snapshot).toList();
  }

  /**
   * Calls a service's function for a requester in {@code callerGroups}. The service's group pays
   * the slot, memory and CPU time; the caller's own checks (privilege, traffic) are made before.
   *
   * @throws ServiceException unknown service or function, caller not allowed, not running, busy
   */
  public ExecutionOutcome call(
      String name, String function, List<? extends CallValue> args, List<String> callerGroups) {
    ServicePool pool = pool(name);
    var callers = declared.get(name).callers();
    if (callers.isPresent() && callers.get().stream().noneMatch(callerGroups::contains)) {
      throw new ServiceException(
          ErrorCode.SERVICE_CALLER_REFUSED,
          "service '"
              + name
              + "' may be called by "
              + callers.get()
              + "; the requester is in "
              + callerGroups);
    }
    return pool.call(function, args, CALL_WAIT);
  }

  private ServicePool pool(String name) {
    ServicePool pool = pools.get(name);
    if (pool == null) {
      throw new ServiceException(
          ErrorCode.SERVICE_UNKNOWN,
          "no service '" + name + "' on this host; declared: " + pools.keySet());
    }
    return pool;
  }

  @PreDestroy
  public void close() {
    scheduler.shutdownNow();
    for (ServicePool pool : pools.values()) {
      pool.stop("daemon stopping");
    }
  }
}
