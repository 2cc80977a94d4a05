package org.weverywhere.traffic;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * Flood protection before any signature is checked: each source address gets a small token bucket
 * of packets per second. The table is bounded (least recently seen sources are forgotten), so a
 * flood of spoofed addresses costs fixed memory.
 */
public final class SourceLimiter {
  private final LongSupplier clock;
  private final SourceBuckets sources;

  public SourceLimiter(long packetsPerSecond, long burst, int maxSources, LongSupplier clock) {
    this.clock = clock;
    this.sources = new SourceBuckets(packetsPerSecond, burst, maxSources);
  }

  /** Whether one more packet from {@code source} may be looked at now. */
  public synchronized boolean allow(InetAddress source) {
    long now = clock.getAsLong();
    return sources.of(source, now).tryTake(1, now);
  }

  /** Sources currently remembered (at most maxSources). */
  public synchronized int tracked() {
    return sources.size();
  }
}
