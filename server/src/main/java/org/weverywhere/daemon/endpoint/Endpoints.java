package org.weverywhere.daemon.endpoint;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.NetworkSettings;
import org.weverywhere.control.ControlActions;
import org.weverywhere.events.EventJournal;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.ConfigChanged;
import org.weverywhere.host.HostGroups;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.Intake;
import org.weverywhere.host.ThreadSource;
import org.weverywhere.host.properties.CallProperties;
import org.weverywhere.host.properties.EventsProperties;
import org.weverywhere.host.properties.HttpProperties;
import org.weverywhere.host.properties.IdempotencyProperties;
import org.weverywhere.host.properties.NetworkProperties;
import org.weverywhere.host.properties.NodeProperties;
import org.weverywhere.host.properties.PeersProperties;
import org.weverywhere.host.properties.ProtocolProperties;
import org.weverywhere.idempotency.KeysFromJournal;
import org.weverywhere.idempotency.RequestKeys;
import org.weverywhere.protocol.Authorizer;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.ReplayCaches;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.service.Services;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceByteRate;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Privilege;
import org.weverywhere.trust.SignatureGroups;

/**
 * The daemon's network side, assembled from the configuration: who may ask what (Signature Groups
 * and privileges), how messages are checked and signed, and the transports. Started by the daemon
 * once its state is in place; the HTTP bulk channel ({@link BulkResource}) shares the same handler
 * and verifier.
 */
@ApplicationScoped
public class Endpoints {
  private static final Logger LOG = Logger.getLogger(Endpoints.class.getName());

  private NetworkSettings network;
  private HostIdentity identity;
  private RequestHandler handler;
  private Verifier verifier;
  private MessageSigner signer;
  private UdpEndpoint udp;

  /**
   * Per source address, before any signature is checked, over UDP and HTTP alike: verifying costs
   * ≈0.1 ms of CPU, so one address can take at most a fifth of a core; all local clients share
   * 127.0.0.1.
   */
  private SourceLimiter sources;

  private StrangerLimits strangers;

  /**
   * Request slots of work (fetch, execute, call, control), shared fairly by the groups over UDP and
   * HTTP.
   */
  private FairSlots work;

  private BulkExchange bulk;

  /** Refusals of strangers' unread bodies on the HTTP bulk channel, held back a while. */
  private HeldRefusals heldRefusals;

  /** Sessions (PROTOCOL.md §5a): in memory only, so a restart forgets every one. */
  private SessionTable sessionTable;

  private SessionHandshake sessions;
  private ScheduledExecutorService announcer;
  private final AtomicReference<Authorizer> authorizer = new AtomicReference<>();

  /** The Signature Groups' keys in force: datagrams naming one of them are verified first. */
  private final AtomicReference<SignatureGroups> groups = new AtomicReference<>();

  /** For CDI's client proxy only. */
  protected Endpoints() {}

  @Inject
  public Endpoints(
      Config config,
      HostIdentity identity,
      LibraryStore libraries,
      Executor executor,
      EventJournal journal,
      TrafficLedger traffic,
      Services services,
      Intake intake,
      ControlActions control,
      @ConfigProperties ProtocolProperties protocol,
      @ConfigProperties IdempotencyProperties idempotency,
      @ConfigProperties HttpProperties http,
      @ConfigProperties CallProperties calls,
      @ConfigProperties EventsProperties events,
      @ConfigProperties NetworkProperties network,
      @ConfigProperties PeersProperties peers,
      @ConfigProperties NodeProperties node) {
    this.network = network.settings(peers);
    this.identity = identity;
    this.signer = new MessageSigner(identity.keys());
    // the replay cache starts empty: what an earlier run accepted is refused by its timestamp
    // instead
    var horizon =
        PersistedReplayHorizon.open(
            org.weverywhere.host.StateDirectory.resolve(config, System.getenv())
                .path()
                .resolve("replay-horizon"),
            Clock.systemUTC(),
            protocol.clockSkew());
    try {
      horizon.awaitFloor(protocol.clockSkew().plus(Duration.ofSeconds(2)));
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    }
    this.verifier =
        new Verifier(
            Clock.systemUTC(),
            protocol.clockSkew(),
            // a stranger's flood fills only the cache of keys in no group
            new ReplayCaches(
                new ReplayCache(protocol.clockSkew(), protocol.replayCacheSize()),
                new ReplayCache(protocol.clockSkew(), protocol.replayCacheSize()),
                this::isMember),
            Optional.of(identity.nodeId()),
            horizon);
    authorizer.set(authorizer(config, groups));
    this.handler =
        new RequestHandler(
            nodeName(node),
            http.port(),
            authorizer::get,
            traffic,
            libraries,
            executor,
            journal,
            services,
            calls.maxDepth(),
            intake,
            control,
            requestKeys(idempotency, journal));
    handler.summarizeEvery(events.refusalsInterval());
    int perSource = Math.max(1, network.sourceRate());
    this.sources = new SourceLimiter(perSource, 2L * perSource, 65_536, System::nanoTime);
    this.work = new FairSlots(64, 16);
    this.sessionTable =
        new SessionTable(
            protocol.sessionEntries(),
            protocol.sessionLifetime(),
            Clock.systemUTC(),
            System::nanoTime);
    this.sessions = new SessionHandshake(sessionTable, signer, journal, handler);
    int describes = Math.max(1, network.describeRate());
    long bodyRate = Math.max(1, http.unverifiedStrangerRate().bytesPerSecond());
    this.strangers =
        new StrangerLimits(
            this::isMember,
            // the burst lets a stranger send one body of the largest size after a pause
            new SourceByteRate(
                bodyRate,
                Math.max(bodyRate, org.weverywhere.protocol.WireLimits.HTTP.maxMessageBytes()),
                65_536,
                System::nanoTime),
            new SourceLimiter(describes, 2L * describes, 65_536, System::nanoTime));
    this.bulk =
        new BulkExchange(
            verifier,
            handler,
            signer,
            sources,
            new SourceLimiter(perSource, 2L * perSource, 65_536, System::nanoTime),
            new BodyBudget(
                http.unverifiedMaxTotal().bytes(), 1 << 20, http.unverifiedLargePerSource()),
            work,
            traffic,
            sessions,
            strangers);
    this.heldRefusals =
        new HeldRefusals(http.strangerRefusalDelay(), http.strangerRefusalMaxHeld());
  }

  /** Whether {@code key} is in a Signature Group (not only in {@code anonymous}). */
  private boolean isMember(org.weverywhere.trust.Fingerprint key) {
    return !groups.get().membership(key).groups().equals(java.util.List.of(ConfigKeys.ANONYMOUS));
  }

  /**
   * The request keys seen, with those of requests that ran before a restart read back from the
   * journal.
   */
  private static RequestKeys requestKeys(IdempotencyProperties idempotency, EventJournal journal) {
    int entries = idempotency.entries();
    var keys =
        new RequestKeys(
            idempotency.window(), entries, idempotency.maxBytes().bytes(), System::nanoTime);
    int recovered = KeysFromJournal.load(journal, keys, entries, java.time.Instant.now());
    if (recovered > 0) {
      LOG.info(
          () ->
              recovered
                  + " request keys of executions before this start recovered from the journal");
    }
    return keys;
  }

  /** Signature Groups and privileges apply live: the next request is authorised by the new ones. */
  void apply(@Observes ConfigChanged change) {
    authorizer.set(authorizer(change.next(), groups));
  }

  private static Authorizer authorizer(Config config, AtomicReference<SignatureGroups> known) {
    SignatureGroups groups = HostGroups.keys(config);
    groups.errors().forEach(e -> LOG.warning("Signature Groups: " + e.getMessage()));
    known.set(groups);
    return new Authorizer(groups, privileges(config, groups));
  }

  /** Opens the UDP side and starts announcing; the HTTP side is served by Liberty. */
  public void start() {
    udp =
        UdpEndpoint.open(
            network,
            signer,
            verifier,
            handler,
            sources,
            Clock.systemUTC(),
            org.weverywhere.net.AnswerSpread.DEFAULT,
            work,
            this::isMember,
            sessions);
    udp.limitStrangerDescribes(strangers.describes());
    announcer =
        Executors.newSingleThreadScheduledExecutor(ThreadSource.platform("announcer", true));
    long every = network.announceInterval().toMillis();
    announcer.scheduleAtFixedRate(
        () -> udp.announce(handler.announce()), every, every, TimeUnit.MILLISECONDS);
    announcer.scheduleWithFixedDelay(sessionTable::sweep, 1, 1, TimeUnit.SECONDS);
    LOG.info(
        () ->
            "WEverywhere daemon "
                + identity.nodeId()
                + " answering on UDP port "
                + network.port()
                + " ("
                + network.interfaces()
                + ")");
  }

  public boolean isOpen() {
    return udp != null && udp.isOpen();
  }

  /** Why the network side cannot answer now (a receiving loop being restarted), for readiness. */
  public Optional<String> down() {
    return udp == null ? Optional.empty() : udp.down();
  }

  /** Restarts of the UDP receiving loop since start. */
  public int restarts() {
    return udp == null ? 0 : udp.restarts();
  }

  /** The HTTP bulk channel's exchange, which Liberty's resource (or a test's server) carries. */
  BulkExchange bulk() {
    return bulk;
  }

  /** Where Liberty's resource holds the refusals its exchange marks as holdable. */
  HeldRefusals heldRefusals() {
    return heldRefusals;
  }

  RequestHandler handler() {
    return handler;
  }

  Verifier verifier() {
    return verifier;
  }

  MessageSigner signer() {
    return signer;
  }

  /** The sessions this daemon holds now. */
  public SessionTable sessions() {
    return sessionTable;
  }

  /** Datagrams not answered since start, by reason. */
  public Map<String, Long> dropped() {
    return udp == null ? Map.of() : udp.dropped();
  }

  @PreDestroy
  void stop() {
    if (announcer != null) {
      announcer.shutdownNow();
    }
    if (udp != null) {
      udp.close();
    }
    if (heldRefusals != null) {
      heldRefusals.close();
    }
    if (handler != null) {
      handler.close(); // the last summaries of refusals go to the journal
    }
    if (sessionTable != null) {
      sessionTable.clear();
    }
  }

  /** Each known group's privileges from {@code group.<Name>.privileges}. */
  static Map<String, Set<Privilege>> privileges(Config config, SignatureGroups groups) {
    Map<String, Set<Privilege>> privileges = new HashMap<>();
    for (String group : HostGroups.names(config, groups)) {
      privileges.put(group, config.group(group).privileges());
    }
    return privileges;
  }

  private static String nodeName(NodeProperties node) {
    return node.name()
        .orElseGet(
            () -> {
              try {
                return InetAddress.getLocalHost().getHostName();
              } catch (UnknownHostException e) {
                return "weverywhere";
              }
            });
  }
}
