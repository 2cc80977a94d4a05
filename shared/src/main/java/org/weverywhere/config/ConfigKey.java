package org.weverywhere.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A key the configuration knows: its name, type, default and a one-line description. A name with
 * the segment {@value #GROUP} is a pattern that stands for that key in every Signature Group.
 *
 * @param name dotted lower-case name, e.g. {@code network.port} or {@code
 *     group.<Group-Name>.privileges}
 * @param defaultValue the value when nobody sets the key, or {@code null}: unset (see {@code
 *     unsetMeans})
 * @param doc one line for the reference documentation, saying what the key does and its unit
 * @param unsetMeans for a key without default, what being unset means (e.g. "the host name")
 */
public record ConfigKey<T>(
    String name, ConfigValueType<T> type, T defaultValue, String doc, String unsetMeans) {
  /** The placeholder segment of per-group keys. */
  public static final String GROUP = "<Group-Name>";

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(doc, "doc");
    if (defaultValue == null && unsetMeans == null) {
      throw new IllegalArgumentException(name + ": a key without default says what unset means");
    }
  }

  /** The placeholder segment of per-service keys ({@code services.<Service-Name>.library}). */
  public static final String SERVICE = "<Service-Name>";

  /** Whether this key stands for one key in every configured service. */
  public boolean isServicePattern() {
    return name.contains(SERVICE);
  }

  /** This key's name for one service, e.g. {@code services.kv.library}. */
  public String forService(String service) {
    if (!isServicePattern()) {
      throw new IllegalStateException(name + " is not a per-service key");
    }
    return name.replace(SERVICE, service);
  }

  public boolean isPattern() {
    return name.contains(GROUP);
  }

  /** This key's name for one group, e.g. {@code group.friends.privileges}. */
  public String forGroup(String group) {
    if (!isPattern()) {
      throw new IllegalStateException(name + " is not a per-group key");
    }
    return name.replace(GROUP, group);
  }

  public Optional<T> defaultOptional() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as written in a file, or {@code null} when the key has none. */
  public String defaultText() {
    return defaultValue == null ? null : type.format(defaultValue);
  }
}
