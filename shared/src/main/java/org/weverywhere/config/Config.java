package org.weverywhere.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.weverywhere.trust.SignatureGroup;

/**
 * The effective configuration: every known key with its value and origin, immutable. Typed views
 * per area ({@link #network()}, {@link #executor()}, {@link #group(String)}, ...) are what code
 * uses.
 */
public final class Config {
  private final String location;
  private final Map<String, ConfigEntry> set;

  Config(String location, Map<String, ConfigEntry> set) {
    this.location = location;
    this.set = Map.copyOf(set);
  }

  /** The directory it was read from, or {@code embedded sample}. */
  public String location() {
    return location;
  }

  /**
   * The effective value of a plain key: set, or its default ({@code null} when unset without
   * default).
   */
  public <T> T value(ConfigKey<T> key) {
    if (key.isPattern()) {
      throw new IllegalArgumentException(key.name() + " is per group: use groupValue");
    }
    return cast(key, entry(key.name(), key).value());
  }

  public <T> Optional<T> optional(ConfigKey<T> key) {
    return Optional.ofNullable(value(key));
  }

  /** Whether a plain key is set by a file or the environment, not left at its default. */
  public boolean isSet(ConfigKey<?> key) {
    return set.containsKey(key.name());
  }

  /** The value of a per-group key for one group: set for it, else the group's default, if any. */
  public <T> Optional<T> groupValue(ConfigKey<T> pattern, String group) {
    return Optional.ofNullable(cast(pattern, groupEntry(pattern, group).value()));
  }

  /** Every effective key in registry order, then each group's keys (anonymous first). */
  public List<ConfigEntry> entries() {
    List<ConfigEntry> entries = new ArrayList<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      if (!key.isPattern() && !key.isServicePattern() && ConfigKeys.groupOf(key.name()).isEmpty()) {
        entries.add(entry(key.name(), key));
      }
    }
    for (String service : services()) {
      for (ConfigKey<?> key : ConfigKeys.all()) {
        if (key.isServicePattern()) {
          entries.add(entry(key.forService(service), key));
        }
      }
    }
    for (String group : groups()) {
      for (ConfigKey<?> key : ConfigKeys.all()) {
        if (key.isPattern()) {
          entries.add(groupEntry(key, group));
        }
      }
    }
    return List.copyOf(entries);
  }

  /** {@code anonymous} and every group the configuration names, sorted after it. */
  public Set<String> groups() {
    Set<String> groups = new java.util.LinkedHashSet<>();
    groups.add(ConfigKeys.ANONYMOUS);
    groups.addAll(groupsIn(set.keySet()));
    return groups;
  }

  /** Every service the configuration declares ({@code services.NAME.*}), sorted. */
  public Set<String> services() {
    return servicesIn(set.keySet());
  }

  /** A declared service's settings; keys left unset are empty or defaults. */
  public ServiceSettings service(String name) {
    if (!ConfigKeys.isValidServiceName(name)) {
      throw new IllegalArgumentException("not a service name: " + name);
    }
    return new ServiceSettings(
        name,
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_LIBRARY, name)),
        serviceValue(ConfigKeys.SERVICE_GROUP, name),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_MEMORY, name)),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_CPU_TIME, name)),
        serviceValue(ConfigKeys.SERVICE_INSTANCES, name),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_EXPORTS, name)),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_CALLERS, name)),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_PEER, name)).orElse(List.of()),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_PEER_SERVICE, name)).orElse(name),
        Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_PEER_NODE, name)));
  }

  /**
   * {@code services.<Name>.discover} as set, empty when unset: set on a service with neither
   * library nor peer, it says whether imports of it may link to a daemon found on the network.
   */
  public Optional<Boolean> serviceDiscover(String name) {
    return Optional.ofNullable(serviceValue(ConfigKeys.SERVICE_DISCOVER, name));
  }

  private <T> T serviceValue(ConfigKey<T> pattern, String service) {
    return cast(pattern, entry(pattern.forService(service), pattern).value());
  }

  public NodeSettings node() {
    return new NodeSettings(optional(ConfigKeys.NODE_NAME), optional(ConfigKeys.STATE_DIR));
  }

  public NetworkSettings network() {
    return new NetworkSettings(
        value(ConfigKeys.NETWORK_INTERFACES),
        value(ConfigKeys.NETWORK_IPV4_ENABLED),
        value(ConfigKeys.NETWORK_IPV4_GROUP),
        value(ConfigKeys.NETWORK_IPV6_ENABLED),
        value(ConfigKeys.NETWORK_IPV6_GROUP),
        value(ConfigKeys.NETWORK_PORT),
        value(ConfigKeys.NETWORK_TTL),
        value(ConfigKeys.NETWORK_ANNOUNCE_INTERVAL),
        value(ConfigKeys.PEERS_STATIC));
  }

  public HttpSettings http() {
    return new HttpSettings(value(ConfigKeys.HTTP_HOST), value(ConfigKeys.HTTP_PORT));
  }

  public ProtocolSettings protocol() {
    return new ProtocolSettings(
        value(ConfigKeys.PROTOCOL_CLOCK_SKEW), value(ConfigKeys.PROTOCOL_REPLAY_CACHE_SIZE));
  }

  public ExecutorSettings executor() {
    return new ExecutorSettings(
        value(ConfigKeys.EXECUTOR_ENGINE),
        value(ConfigKeys.EXECUTOR_MODULE_CACHE_MODULES),
        value(ConfigKeys.EXECUTOR_OUTPUT_MAX),
        value(ConfigKeys.EXECUTOR_WALL_TIMEOUT),
        value(ConfigKeys.EXECUTOR_QUEUE_MAX));
  }

  public HostQuota hostQuota() {
    return new HostQuota(
        value(ConfigKeys.HOST_QUOTA_CORES),
        value(ConfigKeys.HOST_QUOTA_MEMORY),
        value(ConfigKeys.HOST_QUOTA_NETWORK_RATE),
        value(ConfigKeys.HOST_QUOTA_NETWORK_PERIOD_BYTES),
        value(ConfigKeys.HOST_QUOTA_NETWORK_PERIOD),
        value(ConfigKeys.HOST_QUOTA_DISK_PER_EXECUTION));
  }

  /**
   * The privileges and quotas of a group; a group the configuration never names gets the defaults.
   */
  public GroupSettings group(String name) {
    if (!SignatureGroup.isValidName(name)) {
      throw new IllegalArgumentException("not a group name: " + name);
    }
    return new GroupSettings(
        name,
        groupValue(ConfigKeys.GROUP_PRIVILEGES, name).orElseThrow(),
        new GroupQuota(
            groupValue(ConfigKeys.GROUP_QUOTA_CORES, name),
            groupValue(ConfigKeys.GROUP_QUOTA_MEMORY, name),
            groupValue(ConfigKeys.GROUP_QUOTA_MEMORY_PER_EXECUTION, name),
            groupValue(ConfigKeys.GROUP_QUOTA_CPU_TIME_PER_EXECUTION, name),
            groupValue(ConfigKeys.GROUP_QUOTA_NETWORK_RATE, name),
            groupValue(ConfigKeys.GROUP_QUOTA_NETWORK_PERIOD_BYTES, name),
            groupValue(ConfigKeys.GROUP_QUOTA_DISK_PER_EXECUTION, name)));
  }

  public ControlSettings control() {
    return new ControlSettings(
        value(ConfigKeys.CONTROL_SOCKET), optional(ConfigKeys.CONTROL_GROUP));
  }

  public EventSettings events() {
    return new EventSettings(
        optional(ConfigKeys.EVENTS_JOURNAL_DIR),
        value(ConfigKeys.EVENTS_JOURNAL_MAX_FILE_SIZE),
        value(ConfigKeys.EVENTS_JOURNAL_RETENTION));
  }

  static Set<String> servicesIn(Collection<String> keys) {
    Set<String> services = new TreeSet<>();
    for (String key : keys) {
      ConfigKeys.serviceOf(key).ifPresent(services::add);
    }
    return services;
  }

  static Set<String> groupsIn(Collection<String> keys) {
    Set<String> groups = new TreeSet<>();
    for (String key : keys) {
      ConfigKeys.groupOf(key).filter(g -> !g.equals(ConfigKeys.ANONYMOUS)).ifPresent(groups::add);
    }
    return groups;
  }

  private ConfigEntry entry(String name, ConfigKey<?> key) {
    ConfigEntry entry = set.get(name);
    return entry != null
        ? entry
        : new ConfigEntry(name, key, key.defaultValue(), new Origin.Default());
  }

  private ConfigEntry groupEntry(ConfigKey<?> pattern, String group) {
    String name = pattern.forGroup(group);
    // anonymous has concrete keys with their own, stricter defaults
    ConfigKey<?> definition =
        ConfigKeys.resolve(name).map(ConfigKeys.Resolved::key).orElse(pattern);
    return entry(name, definition);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(ConfigKey<T> key, Object value) {
    return (T) value;
  }
}
