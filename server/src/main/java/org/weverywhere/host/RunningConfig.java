package org.weverywhere.host;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigEntry;

/**
 * The configuration in force now. It starts as the one the daemon was started with and is replaced
 * whole, never edited in place: a request reads {@link #current()} once and sees one consistent
 * configuration, and an execution in flight keeps the limits it was admitted under. Replacements
 * are serialised, and each one is announced as a {@link ConfigChanged} event that the parts
 * observing it (quotas, traffic, Signature Groups) apply before the next replacement starts.
 */
@ApplicationScoped
public class RunningConfig {
  private DaemonConfiguration source;
  private Event<ConfigChanged> changes;
  private Event<ConfigProposed> proposals;
  private volatile Config current;

  /** For CDI's client proxy only. */
  protected RunningConfig() {}

  @Inject
  public RunningConfig(
      DaemonConfiguration source, Event<ConfigChanged> changes, Event<ConfigProposed> proposals) {
    this.source = source;
    this.current = source.config();
    this.changes = changes;
    this.proposals = proposals;
  }

  public Config current() {
    return current;
  }

  /**
   * A configuration section ({@link org.weverywhere.host.properties}) as it is now: what an
   * observer of {@link ConfigChanged} reads to apply a section live. Reads MicroProfile Config each
   * time: once per change, never per request.
   */
  public <T> T section(Class<T> type) {
    return source.section(type);
  }

  /** The configuration directory, or empty when the daemon runs on the embedded sample. */
  public Optional<Path> directory() {
    Path dir = Path.of(current.location());
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * The configuration as it is on disk now, with each drop-in in {@code pending} read as that
   * content instead: a change is checked whole this way before it is written. Throws {@link
   * org.weverywhere.config.InvalidConfigException} with every problem, or with the problem of a
   * part that could not run under it ({@link ConfigProposed}, e.g. quotas the heap cannot hold).
   */
  public Config load(Map<Path, byte[]> pending) {
    Config next = source.load(pending);
    proposals.fire(new ConfigProposed(next));
    return next;
  }

  /**
   * Replaces the configuration with {@code next} (already loaded and valid) and tells the
   * observers. Returns the keys whose effective value changed, then {@code alsoChanged} (what
   * changed outside the keys, such as a group's key files).
   */
  public synchronized List<String> replace(Config next, String by, List<String> alsoChanged) {
    Config previous = current;
    List<String> keys = new ArrayList<>(changedKeys(previous, next));
    keys.addAll(alsoChanged);
    current = next;
    source.publish(next);
    changes.fire(new ConfigChanged(previous, next, by, keys));
    return List.copyOf(keys);
  }

  /**
   * Every key whose effective value differs between {@code a} and {@code b}, in reference order.
   */
  static List<String> changedKeys(Config a, Config b) {
    Map<String, String> before = new HashMap<>();
    for (ConfigEntry entry : a.entries()) {
      before.put(entry.key(), entry.text());
    }
    List<String> changed = new ArrayList<>();
    for (ConfigEntry entry : b.entries()) {
      if (!Objects.equals(before.remove(entry.key()), entry.text())) {
        changed.add(entry.key());
      }
    }
    changed.addAll(before.keySet().stream().sorted().toList()); // keys of a group no longer named
    return changed;
  }
}
