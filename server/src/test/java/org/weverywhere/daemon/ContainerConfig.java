package org.weverywhere.daemon;

import java.nio.file.Path;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.weverywhere.config.WeverywhereConfigSource;

/**
 * One daemon's MicroProfile Config in a JVM that runs several. MicroProfile Config is per class
 * loader (on Liberty, per application), so each daemon gets a class loader of its own that only
 * delegates, and the resolver holds a Config for it: the environment, system properties and this
 * daemon's directory as a {@link WeverywhereConfigSource}. It is the thread's context class loader
 * while the daemon's Weld container starts (where SmallRye's extension and the daemon's beans take
 * their Config) and is inherited by the threads the daemon starts then; {@link #close} restores the
 * previous one and releases the Config. No global system property is involved.
 */
public final class ContainerConfig implements AutoCloseable {
  private final ClassLoader previous;
  private final ClassLoader loader;
  private final Config config;

  private ContainerConfig(ClassLoader previous, ClassLoader loader, Config config) {
    this.previous = previous;
    this.loader = loader;
    this.config = config;
  }

  /** Registers the Config of {@code dir} and makes its class loader this thread's. */
  public static ContainerConfig enter(Path dir) {
    return enter(dir, new ConfigSource[0]);
  }

  /**
   * As {@link #enter(Path)}, with more sources in this daemon's Config only: e.g. an environment of
   * its own ({@code new EnvConfigSource(Map.of("HTTP_PORT", "8080"), 300)}), which a test cannot
   * give the JVM.
   */
  public static ContainerConfig enter(Path dir, ConfigSource... more) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    ClassLoader loader = new ClassLoader("weverywhere-daemon " + dir, previous) {};
    ConfigProviderResolver resolver = ConfigProviderResolver.instance();
    Config config =
        resolver
            .getBuilder()
            .forClassLoader(loader)
            .addDefaultSources()
            .addDiscoveredConverters()
            .withSources(new WeverywhereConfigSource(dir))
            .withSources(more)
            .build();
    resolver.registerConfig(config, loader);
    thread.setContextClassLoader(loader);
    return new ContainerConfig(previous, loader, config);
  }

  /** The daemon's MicroProfile Config. */
  public Config config() {
    return config;
  }

  public ClassLoader loader() {
    return loader;
  }

  /** Restores the thread's previous context class loader and releases the Config. */
  @Override
  public void close() {
    Thread thread = Thread.currentThread();
    if (thread.getContextClassLoader() == loader) {
      thread.setContextClassLoader(previous);
    }
    ConfigProviderResolver.instance().releaseConfig(config);
  }
}
