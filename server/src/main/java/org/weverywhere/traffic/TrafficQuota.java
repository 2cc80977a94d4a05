package org.weverywhere.traffic;

/**
 * Network traffic allowed to a Signature Group or to the host: a rate (bytes per second, in plus
 * out) and a budget of bytes per period. Zero or negative means unlimited.
 */
public record TrafficQuota(long bytesPerSecond, long periodBytes) {
  public static final TrafficQuota UNLIMITED = new TrafficQuota(0, 0);

  boolean limitsRate() {
    return bytesPerSecond > 0;
  }

  boolean limitsPeriod() {
    return periodBytes > 0;
  }
}
