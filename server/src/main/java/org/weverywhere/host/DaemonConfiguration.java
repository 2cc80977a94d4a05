package org.weverywhere.host;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigLoader;

/**
 * Produces the {@link Config} the daemon starts with: the directory named by {@code
 * WEVERYWHERE_CONFIG_DIR} (or the {@code weverywhere.config.dir} system property), else
 * /etc/weverywhere, else the embedded sample; environment variables override the files. What may
 * change while it runs is read from {@link RunningConfig}, which reloads from the same place.
 *
 * <p>An invalid configuration throws at startup with every error, file and line: the daemon never
 * runs half-configured.
 */
@ApplicationScoped
public class DaemonConfiguration {
  private final Path dir;
  private final ConfigLoader loader;
  private final Config config;

  public DaemonConfiguration() {
    this(System.getenv());
  }

  DaemonConfiguration(Map<String, String> environment) {
    this.dir = ConfigLoader.locate(null, environment).toAbsolutePath();
    this.loader = ConfigLoader.withEnvironment(environment);
    this.config = loader.load(dir);
  }

  /** Singleton, not application-scoped: Config is an immutable final class, nothing to proxy. */
  @Produces
  @Singleton
  Config config() {
    return config;
  }

  /**
   * The configuration as it is on disk now, with each drop-in in {@code pending} read as that
   * content instead; throws with every problem when it is not valid.
   */
  Config load(Map<Path, byte[]> pending) {
    return loader.load(dir, pending);
  }
}
