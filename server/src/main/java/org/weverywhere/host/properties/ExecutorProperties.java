package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Engine;

/**
 * {@code executor.*}. The engine, the module cache and the queue (the quota ledger's) apply at
 * start; the output limit and the wall-clock timeout live ({@code Executor.update}), so the
 * executor's settings are read again on {@link org.weverywhere.host.ConfigChanged}.
 */
@ConfigProperties(prefix = "executor")
@Dependent
public class ExecutorProperties {
  private Engine engine;

  @ConfigProperty(name = "module-cache.modules")
  private int moduleCacheModules;

  @ConfigProperty(name = "output.max")
  private ByteSize outputMax;

  @ConfigProperty(name = "wall-timeout")
  private Duration wallTimeout;

  @ConfigProperty(name = "queue.max")
  private int queueMax;

  public Engine engine() {
    return engine;
  }

  public int moduleCacheModules() {
    return moduleCacheModules;
  }

  public ByteSize outputMax() {
    return outputMax;
  }

  public Duration wallTimeout() {
    return wallTimeout;
  }

  public int queueMax() {
    return queueMax;
  }
}
