package org.weverywhere.exec;

import java.time.Duration;
import org.weverywhere.config.Engine;

/**
 * Executor-wide settings ({@code executor.*}).
 *
 * @param moduleCacheSize compiled modules kept (per Wasmtime lane), least recently used evicted
 * @param outputMax bytes captured per stream (stdout, stderr) before the guest is stopped
 * @param wallTimeout longest wall-clock time an execution may take, waiting for a slot included
 * @param queueMax requests that may wait for a slot at once; more are refused
 */
public record ExecutorParameters(
    Engine engine, int moduleCacheSize, long outputMax, Duration wallTimeout, int queueMax) {
  public ExecutorParameters {
    if (moduleCacheSize < 1 || outputMax < 0 || queueMax < 0) {
      throw new IllegalArgumentException(
          "moduleCacheSize must be >= 1, outputMax and queueMax >= 0");
    }
    if (wallTimeout.isNegative() || wallTimeout.isZero()) {
      throw new IllegalArgumentException("wallTimeout must be positive");
    }
  }
}
