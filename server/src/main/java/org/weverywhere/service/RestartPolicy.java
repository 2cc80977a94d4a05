package org.weverywhere.service;

import java.time.Duration;

/**
 * How failed instances are started again: after {@code firstDelay}, doubling per failure up to
 * {@code maxDelay}; more than {@code failuresAllowed} failures within {@code window} mark the
 * service failed, so a service that cannot work stops burning CPU and says why. The default retries
 * for about 11 s: long enough for the peers a service imports from to start in any order.
 */
public record RestartPolicy(
    Duration firstDelay, Duration maxDelay, int failuresAllowed, Duration window) {
  public static final RestartPolicy DEFAULT =
      new RestartPolicy(Duration.ofMillis(50), Duration.ofSeconds(5), 8, Duration.ofMinutes(1));

  public RestartPolicy {
    if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || failuresAllowed < 0) {
      throw new IllegalArgumentException("delays must be 0 <= first <= max, failuresAllowed >= 0");
    }
  }

  /** The delay before the restart that follows the {@code failures}-th recent failure (from 1). */
  Duration delay(int failures) {
    long nanos = firstDelay.toNanos();
    for (int i = 1; i < failures && nanos < maxDelay.toNanos(); i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, maxDelay.toNanos()));
  }
}
