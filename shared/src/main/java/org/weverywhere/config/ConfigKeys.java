package org.weverywhere.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.trust.Privilege;
import org.weverywhere.trust.SignatureGroup;

/**
 * The registry of every configuration key: validation, defaults, the sample file and the reference
 * documentation all come from this one list, so none of them can drift from the others.
 */
public final class ConfigKeys {
  /** Same rule as the directory names under {@code groups/}. */
  /** The built-in group of requests signed by keys that are in no group. */
  public static final String ANONYMOUS = SignatureGroup.ANONYMOUS;

  private static final Map<String, ConfigKey<?>> KEYS = new LinkedHashMap<>();
  private static final String SERVICES = "services.";

  public static final ConfigKey<String> NODE_NAME =
      optional(
          "node.name",
          ConfigValueType.NAME,
          "the host name",
          "Name this daemon announces to its peers.");
  public static final ConfigKey<Path> STATE_DIR =
      optional(
          "state.dir",
          ConfigValueType.PATH,
          "/var/lib/weverywhere as root, else ~/.local/state/weverywhere",
          "Directory for the host key pair, the library store and other state (created 0700).");

  public static final ConfigKey<InterfaceSelection> NETWORK_INTERFACES =
      key(
          "network.interfaces",
          ConfigValueType.INTERFACES,
          new InterfaceSelection.Loopback(),
          "Interfaces to join the multicast groups on: loopback (TTL 0, nothing leaves the host), all, or names like eth0, wlan0.");
  public static final ConfigKey<Boolean> NETWORK_IPV4_ENABLED =
      key(
          "network.ipv4.enabled",
          ConfigValueType.BOOLEAN,
          true,
          "Take part in discovery over IPv4 multicast.");
  public static final ConfigKey<InetAddress> NETWORK_IPV4_GROUP =
      key(
          "network.ipv4.group",
          ConfigValueType.IPV4_MULTICAST,
          address("239.255.87.69"),
          "IPv4 multicast group for discovery.");
  public static final ConfigKey<Boolean> NETWORK_IPV6_ENABLED =
      key(
          "network.ipv6.enabled",
          ConfigValueType.BOOLEAN,
          true,
          "Take part in discovery over IPv6 multicast.");
  public static final ConfigKey<InetAddress> NETWORK_IPV6_GROUP =
      key(
          "network.ipv6.group",
          ConfigValueType.IPV6_MULTICAST,
          address("ff02::5745"),
          "IPv6 multicast group for discovery.");
  public static final ConfigKey<Integer> NETWORK_PORT =
      key(
          "network.port",
          ConfigValueType.PORT,
          22341,
          "UDP port of discovery and small requests (0x5745, \"WE\").");
  public static final ConfigKey<Integer> NETWORK_TTL =
      key(
          "network.ttl",
          ConfigValueType.TTL,
          1,
          "Multicast TTL (IPv6 hop limit) on the chosen interfaces; always 0 on loopback.");
  public static final ConfigKey<Duration> NETWORK_ANNOUNCE_INTERVAL =
      key(
          "network.announce.interval",
          ConfigValueType.DURATION,
          Duration.ofSeconds(60),
          "Time between periodic announcements.");
  public static final ConfigKey<Integer> NETWORK_DESCRIBE_RATE =
      key(
          "network.describe-rate",
          ConfigValueType.COUNT,
          20,
          "describe requests per second from keys in no Signature Group that one source address may have answered (bursts of twice that); beyond, UDP ones are dropped and HTTP ones get 429 with Retry-After. Group keys are not counted.");
  public static final ConfigKey<Integer> NETWORK_SOURCE_RATE =
      key(
          "network.source-rate",
          ConfigValueType.COUNT,
          2_000,
          "Datagrams and HTTP requests per second that one source address may send before any signature is checked (flood protection; bursts of twice that); a load test from one address needs more.");
  public static final ConfigKey<List<PeerAddress>> PEERS_STATIC =
      key(
          "peers.static",
          ConfigValueType.PEERS,
          List.of(),
          "Unicast seed peers as host:port or [IPv6%zone]:port (a link-local peer needs its zone, e.g. [fe80::1%eth0]:22341), comma separated, that multicast does not reach; none for no peers.");

  public static final ConfigKey<String> HTTP_HOST =
      key(
          "http.host",
          ConfigValueType.LISTEN_HOST,
          "localhost",
          "Address the HTTP bulk channel listens on; an address of an interface, or * for all.");
  public static final ConfigKey<Integer> HTTP_PORT =
      key(
          "http.port",
          ConfigValueType.PORT,
          22341,
          "TCP port of the HTTP bulk channel (modules, large arguments and results).");
  public static final ConfigKey<ByteSize> HTTP_UNVERIFIED_MAX_TOTAL =
      key(
          "http.unverified.max-total",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(256),
          "Memory all HTTP request bodies not yet verified may hold together (3 bytes per body byte while its signature is checked; bodies naming a key in no Signature Group at most three quarters of it, unless one such body is alone); beyond it: 503 with Retry-After.");
  public static final ConfigKey<Integer> HTTP_UNVERIFIED_LARGE_PER_SOURCE =
      key(
          "http.unverified.large-per-source",
          ConfigValueType.COUNT,
          2,
          "Unverified HTTP bodies of 1 MiB or more one source address may send at once (counted apart for bodies naming a Signature Group's key).");
  public static final ConfigKey<Rate> HTTP_UNVERIFIED_STRANGER_RATE =
      key(
          "http.unverified.stranger-rate",
          ConfigValueType.RATE,
          new Rate(ByteSize.ofMebibytes(8)),
          "Bytes per second one source address may send in HTTP bodies of 64 KiB or more that name a key in no Signature Group, before their signatures are checked; a body is taken while the source is not in debt (so one of any size passes after a pause), beyond: 429 with Retry-After, the body not read.");

  public static final ConfigKey<Duration> HTTP_STRANGER_REFUSAL_DELAY =
      key(
          "http.stranger-refusal.delay",
          ConfigValueType.DURATION,
          Duration.ofSeconds(1),
          "How long a refusal of an HTTP body naming a key in no Signature Group, sent before the body is read (400 unverifiable head, 429, 503), is held back: the connection is not read meanwhile, so a flooder waits instead of opening the next one. The hold grows by this much for every 64 refusals its source address has held already, so a source's refusals end at most about 64 per hold whatever its connections; 1ms in effect sends them at once.");
  public static final ConfigKey<Integer> HTTP_STRANGER_REFUSAL_MAX_HELD =
      key(
          "http.stranger-refusal.max-held",
          ConfigValueType.COUNT,
          1_024,
          "Refusals held back at once (http.stranger-refusal.delay); beyond, a refusal is sent at once.");

  public static final ConfigKey<Duration> PROTOCOL_CLOCK_SKEW =
      key(
          "protocol.clock-skew",
          ConfigValueType.DURATION,
          Duration.ofSeconds(30),
          "Messages whose timestamp is further than this from the local clock are rejected.");
  public static final ConfigKey<Integer> PROTOCOL_REPLAY_CACHE_SIZE =
      key(
          "protocol.replay-cache.size",
          ConfigValueType.COUNT,
          65_536,
          "Message ids remembered to reject replays (entries), in each of two caches: keys of"
              + " Signature Groups, and all other keys (so a stranger's flood cannot fill a"
              + " trusted key's; docs/PROTOCOL.md §5).");
  public static final ConfigKey<Duration> PROTOCOL_IDEMPOTENCY_WINDOW =
      key(
          "protocol.idempotency.window",
          ConfigValueType.DURATION,
          Duration.ofMinutes(10),
          "How long the result of an execute or call with a request key (rk) is kept to answer its retries.");
  public static final ConfigKey<Integer> PROTOCOL_IDEMPOTENCY_ENTRIES =
      key(
          "protocol.idempotency.entries",
          ConfigValueType.COUNT,
          16_384,
          "Request keys remembered at most, running and finished; the oldest finished go first.");
  public static final ConfigKey<ByteSize> PROTOCOL_IDEMPOTENCY_MAX_BYTES =
      key(
          "protocol.idempotency.max-bytes",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(32),
          "Bytes of kept results at most; a result larger than a sixteenth of this is not kept (a retry gets WE5061).");
  public static final ConfigKey<Integer> PROTOCOL_SESSION_ENTRIES =
      key(
          "protocol.session.entries",
          ConfigValueType.COUNT,
          4_096,
          "Sessions (PROTOCOL.md §5a) held at most, about 0.7 KiB each; a Signature Group may hold a quarter, a source address 256.");
  public static final ConfigKey<Duration> PROTOCOL_SESSION_LIFETIME =
      key(
          "protocol.session.lifetime",
          ConfigValueType.DURATION,
          Duration.ofMinutes(10),
          "How long a session lives from its handshake (the ttl announced); clients open a new one before.");

  public static final ConfigKey<Engine> EXECUTOR_ENGINE =
      key(
          "executor.engine",
          ConfigValueType.ENGINE,
          Engine.CHICORY,
          "WebAssembly engine: chicory (pure Java, compiled to JVM bytecode) or wasmtime (JNI).");
  public static final ConfigKey<Path> LIBRARIES_DIR =
      optional(
          "libraries.dir",
          ConfigValueType.PATH,
          "none",
          "Directory of modules (*.wasm, *.wasi) published as Libraries at every start.");
  public static final ConfigKey<ByteSize> LIBRARIES_MAX_MODULE_SIZE =
      key(
          "libraries.max-module-size",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(64),
          "Largest module the library store accepts, from the directory or a publish request.");
  public static final ConfigKey<Boolean> LIBRARIES_BUILTIN =
      key(
          "libraries.builtin",
          ConfigValueType.BOOLEAN,
          true,
          "Offer the probe modules the daemon ships (sysinfo, probe-load, probe-memory, probe-disk); they need observe to run.");
  public static final ConfigKey<List<String>> LIBRARIES_BUILTIN_DISABLED =
      optional(
          "libraries.builtin.disabled",
          ConfigValueType.NAMES,
          "none",
          "Built-in libraries not to offer, by name, comma separated; a library of the same name in the store replaces one.");

  public static final ConfigKey<Integer> EXECUTOR_MODULE_CACHE_MODULES =
      key(
          "executor.module-cache.modules",
          ConfigValueType.COUNT,
          64,
          "Compiled modules kept in memory by module hash; the least recently used go first.");
  public static final ConfigKey<ByteSize> EXECUTOR_OUTPUT_MAX =
      key(
          "executor.output.max",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(1),
          "Captured stdout and stderr of one execution, each; the rest is cut.");
  public static final ConfigKey<Duration> EXECUTOR_WALL_TIMEOUT =
      key(
          "executor.wall-timeout",
          ConfigValueType.DURATION,
          Duration.ofSeconds(60),
          "Wall-clock time after which an execution is interrupted.");
  public static final ConfigKey<Integer> EXECUTOR_QUEUE_MAX =
      key(
          "executor.queue.max",
          ConfigValueType.COUNT,
          64,
          "Executions waiting for a free slot; beyond this requests are rejected.");

  public static final ConfigKey<Cores> HOST_QUOTA_CORES =
      key(
          "host.quota.cores",
          ConfigValueType.CORES,
          new Cores(2),
          "Executions running at once on this host (whole cores).");
  public static final ConfigKey<ByteSize> HOST_QUOTA_MEMORY =
      key(
          "host.quota.memory",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(1024),
          "Sum of the memory limits of running instances, reserved at admission.");
  public static final ConfigKey<Rate> HOST_QUOTA_NETWORK_RATE =
      key(
          "host.quota.network.rate",
          ConfigValueType.RATE,
          new Rate(ByteSize.ofMebibytes(10)),
          "Traffic in plus out, bytes per second.");
  public static final ConfigKey<ByteSize> HOST_QUOTA_NETWORK_PERIOD_BYTES =
      key(
          "host.quota.network.period-bytes",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(10 * 1024),
          "Traffic in plus out per host.quota.network.period.");
  public static final ConfigKey<Duration> HOST_QUOTA_NETWORK_PERIOD =
      key(
          "host.quota.network.period",
          ConfigValueType.DURATION,
          Duration.ofDays(1),
          "Length of the period that period-bytes quotas count over (host and groups).");
  public static final ConfigKey<ByteSize> HOST_QUOTA_DISK_PER_EXECUTION =
      key(
          "host.quota.disk.per-execution",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(256),
          "Bytes the directory trees of one execution may hold (kept in memory, gone when it ends); no group gets more.");

  public static final ConfigKey<Set<Privilege>> GROUP_PRIVILEGES =
      key(
          "group." + ConfigKey.GROUP + ".privileges",
          ConfigValueType.PRIVILEGES,
          EnumSet.of(Privilege.OBSERVE, Privilege.FETCH, Privilege.EXECUTE),
          "What the group's keys may do: none, or a list of observe, fetch, execute, publish, control, relay (believed when a forwarded call names its original requester; for other hosts' keys).");
  public static final ConfigKey<Cores> GROUP_QUOTA_CORES =
      groupQuota("cores", ConfigValueType.CORES, "Executions running at once for the group.");
  public static final ConfigKey<ByteSize> GROUP_QUOTA_MEMORY =
      groupQuota(
          "memory",
          ConfigValueType.SIZE,
          "Sum of the memory limits of the group's running instances.");
  public static final ConfigKey<ByteSize> GROUP_QUOTA_MEMORY_PER_EXECUTION =
      register(
          new ConfigKey<>(
              "group." + ConfigKey.GROUP + ".quota.memory.per-execution",
              ConfigValueType.SIZE,
              null,
              "Memory limit of one instance.",
              "the group's memory shared by its cores (at most the host's shared by the host's cores), so that every slot can run at once"));
  public static final ConfigKey<Duration> GROUP_QUOTA_CPU_TIME_PER_EXECUTION =
      groupQuota("cpu-time.per-execution", ConfigValueType.DURATION, "CPU time of one execution.");
  public static final ConfigKey<Rate> GROUP_QUOTA_NETWORK_RATE =
      groupQuota(
          "network.rate",
          ConfigValueType.RATE,
          "The group's traffic in plus out, bytes per second.");
  public static final ConfigKey<ByteSize> GROUP_QUOTA_NETWORK_PERIOD_BYTES =
      groupQuota(
          "network.period-bytes",
          ConfigValueType.SIZE,
          "The group's traffic in plus out per host.quota.network.period.");
  public static final ConfigKey<ByteSize> GROUP_QUOTA_DISK_PER_EXECUTION =
      groupQuota(
          "disk.per-execution",
          ConfigValueType.SIZE,
          "Bytes the directory trees of one of the group's executions may hold (in memory).");

  // anonymous is every key nobody vouches for: it gets little, and nothing that changes the host
  public static final ConfigKey<Set<Privilege>> ANONYMOUS_PRIVILEGES =
      anonymous(GROUP_PRIVILEGES, EnumSet.of(Privilege.EXECUTE));
  public static final ConfigKey<Cores> ANONYMOUS_QUOTA_CORES =
      anonymous(GROUP_QUOTA_CORES, new Cores(1));
  public static final ConfigKey<ByteSize> ANONYMOUS_QUOTA_MEMORY =
      anonymous(GROUP_QUOTA_MEMORY, ByteSize.ofMebibytes(64));
  public static final ConfigKey<ByteSize> ANONYMOUS_QUOTA_MEMORY_PER_EXECUTION =
      anonymous(GROUP_QUOTA_MEMORY_PER_EXECUTION, ByteSize.ofMebibytes(16));
  public static final ConfigKey<Duration> ANONYMOUS_QUOTA_CPU_TIME_PER_EXECUTION =
      anonymous(GROUP_QUOTA_CPU_TIME_PER_EXECUTION, Duration.ofSeconds(1));
  public static final ConfigKey<Rate> ANONYMOUS_QUOTA_NETWORK_RATE =
      anonymous(GROUP_QUOTA_NETWORK_RATE, new Rate(ByteSize.ofBytes(256 * 1024)));
  public static final ConfigKey<ByteSize> ANONYMOUS_QUOTA_NETWORK_PERIOD_BYTES =
      anonymous(GROUP_QUOTA_NETWORK_PERIOD_BYTES, ByteSize.ofMebibytes(100));
  public static final ConfigKey<ByteSize> ANONYMOUS_QUOTA_DISK_PER_EXECUTION =
      anonymous(GROUP_QUOTA_DISK_PER_EXECUTION, ByteSize.ofMebibytes(16));

  public static final ConfigKey<Path> CONTROL_SOCKET =
      key(
          "control.socket",
          ConfigValueType.PATH,
          Path.of("/run/weverywhere/control.sock"),
          "AF_UNIX control socket; a daemon not running as root, or given its own state directory, uses <state.dir>/control.sock unless this is set.");
  public static final ConfigKey<String> CONTROL_GROUP =
      optional(
          "control.group",
          ConfigValueType.UNIX_GROUP,
          "only the daemon's user",
          "Unix group whose members may use the control socket.");

  public static final ConfigKey<Path> EVENTS_JOURNAL_DIR =
      optional(
          "events.journal.dir",
          ConfigValueType.PATH,
          "<state.dir>/events",
          "Directory of the append-only event journal.");
  public static final ConfigKey<ByteSize> EVENTS_JOURNAL_MAX_FILE_SIZE =
      key(
          "events.journal.max-file-size",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(64),
          "A journal file is closed and a new one started at this size.");
  public static final ConfigKey<Duration> EVENTS_JOURNAL_RETENTION =
      key(
          "events.journal.retention",
          ConfigValueType.DURATION,
          Duration.ofDays(30),
          "Closed journal files older than this are deleted.");
  public static final ConfigKey<ByteSize> EVENTS_JOURNAL_MAX_TOTAL_SIZE =
      key(
          "events.journal.max-total-size",
          ConfigValueType.SIZE,
          ByteSize.ofMebibytes(4096),
          "Disk the journal may use: past it, files beyond the retention go first; if events within it would be lost, work is refused (WE8011) instead.");
  public static final ConfigKey<Duration> EVENTS_REFUSALS_INTERVAL =
      key(
          "events.refusals.interval",
          ConfigValueType.DURATION,
          Duration.ofSeconds(10),
          "Refused requests are counted per source, group and reason and journaled as one summary event per interval.");

  public static final ConfigKey<String> SERVICE_LIBRARY =
      service(
          "library",
          ConfigValueType.LIBRARY,
          null,
          "required",
          "The library the service runs (name, name@version or hash), a reactor module from the store.");
  public static final ConfigKey<String> SERVICE_GROUP =
      service(
          "group",
          ConfigValueType.NAME,
          ANONYMOUS,
          null,
          "Signature Group whose quota the service's instances run under (slots, memory, CPU time).");
  public static final ConfigKey<ByteSize> SERVICE_MEMORY =
      service(
          "memory",
          ConfigValueType.SIZE,
          null,
          "the group's memory.per-execution",
          "Memory limit of one instance; never more than the group's memory.per-execution.");
  public static final ConfigKey<Duration> SERVICE_CPU_TIME =
      service(
          "cpu-time",
          ConfigValueType.DURATION,
          null,
          "the group's cpu-time.per-execution",
          "CPU time of one call; never more than the group's cpu-time.per-execution.");
  public static final ConfigKey<Integer> SERVICE_INSTANCES =
      service(
          "instances",
          ConfigValueType.COUNT,
          1,
          null,
          "Instances kept; calls to one instance are serialised, so this many calls run at once.");
  public static final ConfigKey<List<String>> SERVICE_EXPORTS =
      service(
          "exports",
          ConfigValueType.NAMES,
          null,
          "every exported function except _initialize and _start",
          "Exported functions callers may call, comma separated.");
  public static final ConfigKey<List<String>> SERVICE_CALLERS =
      service(
          "callers",
          ConfigValueType.NAMES,
          null,
          "every group with the execute privilege",
          "Signature Groups whose keys may call the service, comma separated (anonymous included only if named).");

  public static final ConfigKey<List<PeerAddress>> SERVICE_PEER =
      service(
          "peer",
          ConfigValueType.PEERS,
          null,
          "the service runs on this host",
          "Daemons (host:port) that run the service: modules importing weverywhere:service/<Service-Name> call it there.");
  public static final ConfigKey<String> SERVICE_PEER_SERVICE =
      service(
          "peer-service",
          ConfigValueType.NAME,
          null,
          "the same name",
          "The service's name on its peer, when the name imports use here differs.");
  public static final ConfigKey<org.weverywhere.trust.Fingerprint> SERVICE_PEER_NODE =
      service(
          "peer-node",
          ConfigValueType.FINGERPRINT,
          null,
          "the key of the peer's first verified answer, kept for the life of the link (trust on first use)",
          "The peer's node id (its host key fingerprint, SHA256:...): replies signed by any other key are refused.");
  public static final ConfigKey<Boolean> SERVICE_DISCOVER =
      service(
          "discover",
          ConfigValueType.BOOLEAN,
          null,
          "calls.discover, for a name with neither library nor peer",
          "true: imports link to a daemon found on the network that runs the service (this host runs none); false: never.");
  public static final ConfigKey<Integer> CALLS_MAX_DEPTH =
      key(
          "calls.max-depth",
          ConfigValueType.COUNT,
          8,
          "Hosts a chain of service calls may cross; a call arriving that deep is refused (stops cycles).");
  public static final ConfigKey<Duration> CALLS_TIMEOUT =
      key(
          "calls.timeout",
          ConfigValueType.DURATION,
          Duration.ofSeconds(5),
          "How long a call to a service on another host may take before the calling guest traps.");
  public static final ConfigKey<Boolean> CALLS_DISCOVER =
      key(
          "calls.discover",
          ConfigValueType.BOOLEAN,
          true,
          "Imports of a service neither run here nor pinned (peer) link to a daemon found on the network that runs it.");

  private ConfigKeys() {}

  /** Same rule as group names: one dotted segment of letters, digits, '-' or '_'. */
  public static boolean isValidServiceName(String name) {
    return SignatureGroup.isValidName(name);
  }

  /** The service a {@code services.NAME.…} key names, whether or not NAME is valid. */
  public static Optional<String> serviceOf(String name) {
    if (!name.startsWith(SERVICES)) {
      return Optional.empty();
    }
    int end = name.indexOf('.', SERVICES.length());
    return end < 0 ? Optional.empty() : Optional.of(name.substring(SERVICES.length(), end));
  }

  /** Every key, in the order of the reference documentation; per-group keys once, as patterns. */
  public static List<ConfigKey<?>> all() {
    return List.copyOf(KEYS.values());
  }

  /**
   * The key a name in a file means, whether a plain key, a key of {@code anonymous} or a per-group
   * pattern.
   */
  public static Optional<Resolved> resolve(String name) {
    ConfigKey<?> exact = KEYS.get(name);
    if (exact != null && !exact.isPattern()) {
      return Optional.of(new Resolved(exact, groupOf(name).orElse(null)));
    }
    Optional<String> service = serviceOf(name);
    if (service.isPresent()) {
      ConfigKey<?> pattern =
          KEYS.get(
              SERVICES
                  + ConfigKey.SERVICE
                  + name.substring(SERVICES.length() + service.get().length()));
      return pattern != null && pattern.isServicePattern()
          ? Optional.of(new Resolved(pattern, null))
          : Optional.empty();
    }
    Optional<String> group = groupOf(name);
    if (group.isPresent()) {
      ConfigKey<?> pattern =
          KEYS.get(name.replace("group." + group.get() + ".", "group." + ConfigKey.GROUP + "."));
      if (pattern != null && pattern.isPattern()) {
        return Optional.of(new Resolved(pattern, group.get()));
      }
    }
    return Optional.empty();
  }

  /** The group a {@code group.NAME.…} key names, whether or not NAME is a valid group name. */
  public static Optional<String> groupOf(String name) {
    if (!name.startsWith("group.")) {
      return Optional.empty();
    }
    int end = name.indexOf('.', "group.".length());
    return end < 0 ? Optional.empty() : Optional.of(name.substring("group.".length(), end));
  }

  /** The known key closest to an unknown one, when it is close enough to be a likely typo. */
  public static Optional<String> suggest(String unknown) {
    if (unknown.length() > 128) {
      return Optional.empty(); // no key is that long, and the distance costs length squared
    }
    Optional<String> group = groupOf(unknown);
    Optional<String> service = serviceOf(unknown);
    List<String> candidates = new ArrayList<>();
    for (ConfigKey<?> key : KEYS.values()) {
      if (key.isServicePattern()) {
        service.ifPresent(name -> candidates.add(key.forService(name)));
      } else if (key.isPattern()) {
        group.ifPresent(g -> candidates.add(key.forGroup(g)));
      } else {
        candidates.add(key.name());
      }
    }
    return candidates.stream()
        .map(candidate -> Map.entry(candidate, EditDistance.between(unknown, candidate)))
        .filter(scored -> scored.getValue() <= Math.max(2, unknown.length() / 5))
        .min(Comparator.comparingInt(Map.Entry<String, Integer>::getValue))
        .map(Map.Entry::getKey);
  }

  /** A key found in the registry, and the group it was written for (per-group keys only). */
  public record Resolved(ConfigKey<?> key, String group) {}

  private static <T> ConfigKey<T> key(
      String name, ConfigValueType<T> type, T defaultValue, String doc) {
    return register(new ConfigKey<>(name, type, defaultValue, doc, null));
  }

  private static <T> ConfigKey<T> optional(
      String name, ConfigValueType<T> type, String unsetMeans, String doc) {
    return register(new ConfigKey<>(name, type, null, doc, unsetMeans));
  }

  private static <T> ConfigKey<T> groupQuota(String suffix, ConfigValueType<T> type, String doc) {
    return register(
        new ConfigKey<>(
            "group." + ConfigKey.GROUP + ".quota." + suffix,
            type,
            null,
            doc,
            "only the host quota applies"));
  }

  private static <T> ConfigKey<T> service(
      String suffix, ConfigValueType<T> type, T defaultValue, String unsetMeans, String doc) {
    return register(
        new ConfigKey<>(
            SERVICES + ConfigKey.SERVICE + "." + suffix, type, defaultValue, doc, unsetMeans));
  }

  private static <T> ConfigKey<T> anonymous(ConfigKey<T> pattern, T defaultValue) {
    return register(
        new ConfigKey<>(
            pattern.forGroup(ANONYMOUS), pattern.type(), defaultValue, pattern.doc(), null));
  }

  private static <T> ConfigKey<T> register(ConfigKey<T> key) {
    if (KEYS.putIfAbsent(key.name(), key) != null) {
      throw new IllegalStateException("key registered twice: " + key.name());
    }
    return key;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no name lookup happens
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(literal, impossible);
    }
  }
}
