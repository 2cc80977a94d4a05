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
import org.weverywhere.host.properties.PropertiesReader;

/**
 * Produces the {@link Config} the daemon starts with, read through the MicroProfile Config of its
 * container: the files' {@link WeverywhereConfigSource} (ordinal 250: the directory named by {@code
 * WEVERYWHERE_CONFIG_DIR}, else /etc/weverywhere, else the embedded sample), outranked key by key
 * by environment variables (300), system properties (400) and any other source above the files.
 * Beans that take a section with {@code @ConfigProperties} ({@link
 * org.weverywhere.host.properties}) get the same values from the same sources. What may change
 * while it runs is read from {@link RunningConfig}, which reloads the same directory and {@link
 * #publish}es the result back into the source.
 *
 * <p>An invalid configuration throws at startup with every error, file and line (or environment
 * variable, or system property): the daemon never runs half-configured.
 */
@ApplicationScoped
public class DaemonConfiguration {
  private static final Logger LOG = Logger.getLogger(DaemonConfiguration.class.getName());

  private org.eclipse.microprofile.config.Config microProfile;
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
    this.microProfile = microProfile;
    this.files = filesOf(microProfile);
    this.loader = ConfigLoader.outrankedBy(microProfile);
    this.dir = files.directory().toAbsolutePath();
    this.config = loader.load(dir);
    // the files as they are now, which the source may have read a while ago
    files.replace(config);
  }

  /**
   * Checks the configuration this MicroProfile Config gives the daemon, as the constructor reads
   * it; throws {@link org.weverywhere.config.InvalidConfigException} with every problem, each named
   * by file and line, environment variable or system property ({@link ConfigValidation} runs it
   * before the container fills any injection). A valid one is published into the files' source: the
   * sections are filled from it next, and it may have read the files a while before (a drop-in
   * written between, say), which would give the sections other values than the typed view.
   */
  static Config check(org.eclipse.microprofile.config.Config microProfile) {
    WeverywhereConfigSource source = filesOf(microProfile);
    Config config =
        ConfigLoader.outrankedBy(microProfile).load(source.directory().toAbsolutePath());
    source.replace(config);
    return config;
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

  /**
   * A configuration section ({@link org.weverywhere.host.properties}) as MicroProfile Config gives
   * it now: after a reload, with the new files' values.
   */
  <T> T section(Class<T> type) {
    return PropertiesReader.read(microProfile, type);
  }

  /** Lets MicroProfile Config lookups from now on see {@code next}'s file values. */
  void publish(Config next) {
    files.replace(next);
  }
}
