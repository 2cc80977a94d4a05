package org.weverywhere.config;

import java.util.Optional;

/**
 * One effective key: its value (absent when the key is unset and has no default), that value's
 * canonical text and where it came from.
 */
public record ConfigEntry(String key, ConfigKey<?> definition, Object value, Origin origin) {

  public Optional<Object> optionalValue() {
    return Optional.ofNullable(value);
  }

  /** The value as it would be written in a file, or {@code null} when unset. */
  public String text() {
    return value == null ? null : definition.type().format(value);
  }
}
