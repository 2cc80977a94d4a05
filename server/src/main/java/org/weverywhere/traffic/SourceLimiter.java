package org.weverywhere.traffic;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Flood protection before any signature is checked: each source address gets a small token bucket
 * of packets per second. The table is bounded (least recently seen sources are forgotten), so a
 * flood of spoofed addresses costs fixed memory.
 */
public final class SourceLimiter {
  private final long packetsPerSecond;
  private final long burst;
  private final LongSupplier clock;
  private final Map<InetAddress, TokenBucket> sources;

  public SourceLimiter(long packetsPerSecond, long burst, int maxSources, LongSupplier clock) {
    this.packetsPerSecond = packetsPerSecond;
    this.burst = burst;
    this.clock = clock;
    this.sources =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
            return size() > maxSources;
          }
        };
  }

  /** Whether one more packet from {@code source} may be looked at now. */
  public synchronized boolean allow(InetAddress source) {
    long now = clock.getAsLong();
    return sources
        .computeIfAbsent(source, s -> new TokenBucket(packetsPerSecond, burst, now))
        .tryTake(1, now);
  }

  /** Sources currently remembered (at most maxSources). */
  public synchronized int tracked() {
    return sources.size();
  }
}
