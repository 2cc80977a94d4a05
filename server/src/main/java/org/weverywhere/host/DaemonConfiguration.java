package org.weverywhere.host;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.WeverywhereConfigSource;

/**
 * Produces the {@link Config} the daemon starts with, read through the MicroProfile Config of its
 * container: the files' {@link WeverywhereConfigSource} (ordinal 250: the directory named by {@code
 * WEVERYWHERE_CONFIG_DIR}, else /etc/weverywhere, else the embedded sample), outranked key by key
 * by environment variables (300), system properties (400) and any other source above the files.
 * Beans that take a value with {@code @ConfigProperty} get the same value from the same sources.
 * What may change while it runs is read from {@link RunningConfig}, which reloads the same
 * directory and {@link #publish}es the result back into the source.
 *
 * <p>An invalid configuration throws at startup with every error, file and line (or environment
 * variable, or system property): the daemon never runs half-configured.
 */
@ApplicationScoped
public class DaemonConfiguration {
  private static final Logger LOG = Logger.getLogger(DaemonConfiguration.class.getName());

  private WeverywhereConfigSource files;
  // absolute, as readiness and the logs name it: a relative one (-Dweverywhere.config.dir=etc)
  // would say "etc" and mean the server's working directory
  private Path dir;
  private ConfigLoader loader;
  private Config config;

  /** For CDI's client proxy only. */
  protected DaemonConfiguration() {}

  /**
   * @param microProfile the container's configuration: Liberty's for the application, or under Weld
   *     SE the one registered for the container's class loader
   */
  @Inject
  public DaemonConfiguration(org.eclipse.microprofile.config.Config microProfile) {
    this.files = filesOf(microProfile);
    this.loader = ConfigLoader.outrankedBy(microProfile);
    this.dir = files.directory().toAbsolutePath();
    this.config = loader.load(dir);
    // the files as they are now, which the source may have read a while ago
    files.replace(config);
  }

  private static WeverywhereConfigSource filesOf(org.eclipse.microprofile.config.Config config) {
    for (ConfigSource source : config.getConfigSources()) {
      if (source instanceof WeverywhereConfigSource ours) {
        return ours;
      }
    }
    // a MicroProfile Config assembled without the discovered sources: the daemon still reads its
    // files, but @ConfigProperty injections see only the other sources' values
    WeverywhereConfigSource located = new WeverywhereConfigSource();
    LOG.warning(
        "the MicroProfile Config has no "
            + located.getName()
            + ": read it for the daemon only, beans' @ConfigProperty values come without it");
    return located;
  }

  /** Singleton, not application-scoped: Config is an immutable final class, nothing to proxy. */
  @Produces
  @Singleton
  Config config() {
    return config;
  }

  /** The directory a reload reads. */
  Path directory() {
    return dir;
  }

  /**
   * The configuration as it is on disk now, with each drop-in in {@code pending} read as that
   * content instead, under the same overrides; throws with every problem when it is not valid.
   */
  Config load(Map<Path, byte[]> pending) {
    return loader.load(dir, pending);
  }

  /** Lets MicroProfile Config lookups from now on see {@code next}'s file values. */
  void publish(Config next) {
    files.replace(next);
  }
}
