package org.weverywhere.config;

import java.util.Optional;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Asks a MicroProfile Config which value outranks the files for a key, and names where it came from
 * the way a host owner set it: the environment variable (with MicroProfile's name mapping), the
 * system property, or the source's name.
 */
final class OutrankingSources {
  /** MicroProfile Config's ordinal of the JVM's system properties. */
  static final int SYSTEM_PROPERTIES = 400;

  private OutrankingSources() {}

  static Optional<ConfigLoader.Outranking> find(
      org.eclipse.microprofile.config.Config config, String key) {
    ConfigValue value = config.getConfigValue(key);
    if (value == null
        || value.getValue() == null
        || value.getSourceOrdinal() <= WeverywhereConfigSource.ORDINAL) {
      return Optional.empty();
    }
    return Optional.of(new ConfigLoader.Outranking(value.getValue(), origin(config, value, key)));
  }

  private static Origin origin(
      org.eclipse.microprofile.config.Config config, ConfigValue value, String key) {
    if (value.getSourceOrdinal() == SYSTEM_PROPERTIES
        && value.getRawValue() != null
        && value.getRawValue().equals(System.getProperty(key))) {
      return new Origin.SystemProperty(key);
    }
    Optional<ConfigSource> source = source(config, value.getSourceName());
    if (source.isPresent() && looksLikeTheEnvironment(source.get())) {
      return new Origin.Environment(variable(key));
    }
    return new Origin.ConfigSource(value.getSourceName(), key);
  }

  /**
   * The variable's own spelling, which a host owner looks for: the one the process has, else the
   * upper-case form MicroProfile Config documents. (SmallRye renames the variables it matched to
   * their dotted keys, so its source cannot say.)
   */
  private static String variable(String key) {
    return ConfigLoader.environmentVariable(System.getenv().keySet(), key)
        .orElse(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * SmallRye (Weld SE tests, Liberty) names its environment source EnvConfigSource, ordinal 300;
   * another implementation is recognised by the ordinal MicroProfile Config gives it.
   */
  private static boolean looksLikeTheEnvironment(ConfigSource source) {
    String name = source.getName() == null ? "" : source.getName();
    return name.contains("Env") || name.contains("env") || source.getOrdinal() == 300;
  }

  private static Optional<ConfigSource> source(
      org.eclipse.microprofile.config.Config config, String name) {
    for (ConfigSource source : config.getConfigSources()) {
      if (source.getName() != null && source.getName().equals(name)) {
        return Optional.of(source);
      }
    }
    return Optional.empty();
  }
}
