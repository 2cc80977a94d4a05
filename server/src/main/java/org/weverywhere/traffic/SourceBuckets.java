package org.weverywhere.traffic;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address. The table is bounded (the least recently seen sources are
 * forgotten beyond it), so a flood of spoofed addresses costs fixed memory. Not thread-safe: its
 * owner locks.
 */
final class SourceBuckets {
  private final long rate;
  private final long burst;
  private final Map<InetAddress, TokenBucket> sources;

  /**
   * @param rate what one source may spend per second, on average
   * @param burst what it may spend at once after a pause
   * @param maxSources sources remembered
   */
  SourceBuckets(long rate, long burst, int maxSources) {
    this.rate = rate;
    this.burst = burst;
    this.sources =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
            return size() > maxSources;
          }
        };
  }

  /** {@code source}'s bucket, a full one for a source not (or no longer) remembered. */
  TokenBucket of(InetAddress source, long now) {
    return sources.computeIfAbsent(source, s -> new TokenBucket(rate, burst, now));
  }

  int size() {
    return sources.size();
  }
}
