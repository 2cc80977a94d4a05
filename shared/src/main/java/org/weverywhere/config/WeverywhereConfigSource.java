package org.weverywhere.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The effective configuration files as a MicroProfile {@link ConfigSource}, so that server beans
 * use {@code @ConfigProperty(name = "network.port")}. Its ordinal sits below environment variables
 * (300) and system properties (400), which therefore override the files, and above the
 * application's own {@code microprofile-config.properties} (100).
 *
 * <p>Loaded through {@code META-INF/services} from the directory {@link ConfigLoader#locate} finds
 * (on Liberty, one per application), or built for one directory (one per daemon when several run in
 * a JVM); invalid files make construction fail with every error, file and line, so a daemon never
 * starts half-configured. It is dynamic: a reload {@link #replace}s what it holds, and lookups made
 * after that (a {@code Provider<T>}, {@code Config.getValue}) see the new values.
 */
public final class WeverywhereConfigSource implements ConfigSource {
  public static final int ORDINAL = 250;
  private final String name;
  private final Path dir;
  private volatile Config config;
  private volatile Map<String, String> properties;

  /**
   * The source of the configuration directory found from the system property or the environment.
   */
  public WeverywhereConfigSource() {
    this(ConfigLoader.locate(null, System.getenv()));
  }

  /** The source of one configuration directory (the embedded sample when it does not exist). */
  public WeverywhereConfigSource(Path dir) {
    this(ConfigLoader.filesOnly().load(dir), dir);
  }

  public WeverywhereConfigSource(Config config) {
    this(config, Path.of(config.location()));
  }

  private WeverywhereConfigSource(Config config, Path dir) {
    this.name = "weverywhere configuration (" + config.location() + ")";
    this.dir = dir;
    replace(config);
  }

  /**
   * Holds {@code next} from now on: the values the files give (and the registry's defaults); a
   * value that came from a source above this one (the environment, a system property) is left to
   * that source.
   */
  public void replace(Config next) {
    Map<String, String> values = new LinkedHashMap<>();
    for (ConfigEntry entry : next.entries()) {
      String text = entry.text();
      boolean fromFiles =
          entry.origin() instanceof Origin.InFile || entry.origin() instanceof Origin.Default;
      if (text != null && fromFiles) {
        values.put(entry.key(), text);
      }
    }
    this.properties = Collections.unmodifiableMap(values);
    this.config = next;
  }

  /** The configuration it holds now. */
  public Config config() {
    return config;
  }

  /**
   * The directory it reads (a reload reads it again), which need not exist: then it holds the
   * embedded sample.
   */
  public Path directory() {
    return dir;
  }

  @Override
  public Set<String> getPropertyNames() {
    return properties.keySet();
  }

  @Override
  public Map<String, String> getProperties() {
    return properties;
  }

  @Override
  public String getValue(String propertyName) {
    return properties.get(propertyName);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
