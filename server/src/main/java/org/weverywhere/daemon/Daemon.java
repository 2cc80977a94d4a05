package org.weverywhere.daemon;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;
import org.weverywhere.config.Config;
import org.weverywhere.control.ControlEndpoint;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.StateDirectory;
import org.weverywhere.host.ThreadSource;
import org.weverywhere.store.LibraryStore;

/**
 * The daemon's lifecycle: started with the application, it makes sure the configuration, state
 * directory and host identity are in place and says who it is; stopped, it says goodbye.
 */
@ApplicationScoped
public class Daemon {
  private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

  private final Config config;
  private final StateDirectory state;
  private final HostIdentity identity;
  private volatile Instant startedAt;

  private final LibraryStore libraries;
  private final EventJournal journal;
  private final Endpoints endpoints;
  private final ControlEndpoint control;

  @Inject
  public Daemon(
      Config config,
      StateDirectory state,
      HostIdentity identity,
      LibraryStore libraries,
      EventJournal journal,
      Endpoints endpoints,
      ControlEndpoint control) {
    this.config = config;
    this.state = state;
    this.identity = identity;
    this.libraries = libraries;
    this.journal = journal;
    this.endpoints = endpoints;
    this.control = control;
  }

  /** Protected no-argument constructor for the CDI client proxy only. */
  protected Daemon() {
    this.config = null;
    this.state = null;
    this.identity = null;
    this.libraries = null;
    this.journal = null;
    this.endpoints = null;
    this.control = null;
  }

  void start(@Observes Startup startup) {
    // quotas the heap cannot hold refuse the start as an invalid file does: the quota beans are
    // made at the first execution, too late to refuse anything but that execution
    ExecutionConfiguration.refuseUnfit(config, Runtime.getRuntime().maxMemory());
    // Billing programs see every start in the journal, so a gap in service is never a mystery.
    journal.append(
        JournalEvent.unsequenced(
            "org.weverywhere.daemon.started",
            null,
            JsonNodeFactory.instance
                .objectNode()
                .put("nodeId", identity.nodeId().toString())
                .put("configuration", config.location())
                .put("libraries", libraries.list().size())));
    endpoints.start();
    control.start();
    startedAt = Instant.now();
    LOG.info(
        () ->
            "WEverywhere daemon "
                + identity.nodeId()
                + " started; configuration: "
                + config.location()
                + "; state: "
                + state.path()
                + (identity.created() ? " (new host key created)" : "")
                + "; libraries: "
                + libraries.list().size());
    // on Liberty they come from the managed thread factory; the failsafe IT reads this line
    LOG.info(() -> "platform threads made so far: " + ThreadSource.tally());
  }

  @PreDestroy
  void stop() {
    if (startedAt != null) {
      LOG.info(() -> "WEverywhere daemon " + identity.nodeId() + " stopping");
    }
  }

  /** When the daemon finished starting, or empty while it has not. */
  public Optional<Instant> startedAt() {
    return Optional.ofNullable(startedAt);
  }

  /** Started, every socket still open, and nothing {@linkplain #problems() wrong}. */
  public boolean ready() {
    return startedAt != null && endpoints.isOpen() && problems().isEmpty();
  }

  /**
   * What keeps the daemon from serving now, each with its reason: a receiving or accepting loop
   * being restarted, or an event journal that cannot take events (work is refused meanwhile).
   */
  public java.util.List<String> problems() {
    java.util.List<String> problems = new java.util.ArrayList<>();
    endpoints.down().ifPresent(problems::add);
    control.down().ifPresent(problems::add);
    journal
        .unavailable()
        .ifPresent(refusal -> problems.add(refusal.code().code() + " " + refusal.getMessage()));
    return problems;
  }

  public HostIdentity identity() {
    return identity;
  }

  public Config config() {
    return config;
  }
}
