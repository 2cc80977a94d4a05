package org.weverywhere.config;

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
 * <p>Loaded through {@code META-INF/services} from the directory {@link ConfigLoader#locate} finds;
 * invalid files make construction fail with every error, so a daemon never starts half-configured.
 */
public final class WeverywhereConfigSource implements ConfigSource {
  public static final int ORDINAL = 250;
  private final Map<String, String> properties;
  private final String name;

  /**
   * The source of the configuration directory found from the system property or the environment.
   */
  public WeverywhereConfigSource() {
    this(ConfigLoader.filesOnly().load(ConfigLoader.locate(null, System.getenv())));
  }

  public WeverywhereConfigSource(Config config) {
    Map<String, String> values = new LinkedHashMap<>();
    for (ConfigEntry entry : config.entries()) {
      String text = entry.text();
      if (text != null) {
        values.put(entry.key(), text);
      }
    }
    this.properties = Collections.unmodifiableMap(values);
    this.name = "weverywhere configuration (" + config.location() + ")";
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
