package org.weverywhere.daemon;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigLoader;

/**
 * Produces the daemon's effective {@link Config}: the directory named by {@code
 * WEVERYWHERE_CONFIG_DIR} (or the {@code weverywhere.config.dir} system property), else
 * /etc/weverywhere, else the embedded sample; environment variables override the files.
 *
 * <p>An invalid configuration throws at startup with every error, file and line: the daemon
 * never runs half-configured.
 */
@ApplicationScoped
public class DaemonConfiguration {
  private final Config config;

  public DaemonConfiguration() {
    this(System.getenv());
  }

  DaemonConfiguration(Map<String, String> environment) {
    Path dir = ConfigLoader.locate(null, environment).toAbsolutePath();
    this.config = ConfigLoader.withEnvironment(environment).load(dir);
  }

  /** Singleton, not application-scoped: Config is an immutable final class, nothing to proxy. */
  @Produces
  @Singleton
  Config config() {
    return config;
  }
}
