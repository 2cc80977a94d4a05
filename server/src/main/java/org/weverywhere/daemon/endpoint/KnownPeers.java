package org.weverywhere.daemon.endpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.weverywhere.trust.Fingerprint;

/**
 * The other daemons this one has heard announce themselves recently: how large the LAN is, which
 * sets how widely answers to a discover are spread ({@link org.weverywhere.net.AnswerSpread}).
 *
 * <p>Bounded: at most {@code capacity} peers are remembered (the least recently heard are forgotten
 * first), and a peer not heard for {@code forgetAfter} no longer counts, so a flood of forged
 * announcements costs fixed memory and can stretch the spread at most to its cap. A peer that says
 * {@code bye} is forgotten at once.
 */
public final class KnownPeers {
  private final int capacity;
  private final long forgetAfterNanos;
  private final LongSupplier nanoClock;
  private final Map<Fingerprint, Long> lastHeard;

  public KnownPeers(int capacity, Duration forgetAfter, LongSupplier nanoClock) {
    if (capacity < 1 || !forgetAfter.isPositive()) {
      throw new IllegalArgumentException(
          "known peers need a capacity ≥ 1 and a positive age: " + capacity + ", " + forgetAfter);
    }
    this.capacity = capacity;
    this.forgetAfterNanos = forgetAfter.toNanos();
    this.nanoClock = nanoClock;
    this.lastHeard =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Fingerprint, Long> eldest) {
            return size() > KnownPeers.this.capacity;
          }
        };
  }

  /** {@code peer} announced itself now. */
  public synchronized void heard(Fingerprint peer) {
    lastHeard.put(peer, nanoClock.getAsLong());
  }

  /** {@code peer} said bye. */
  public synchronized void gone(Fingerprint peer) {
    lastHeard.remove(peer);
  }

  /** Peers heard within the age limit; the stale ones are dropped on the way. */
  public synchronized int count() {
    long now = nanoClock.getAsLong();
    lastHeard.values().removeIf(at -> now - at > forgetAfterNanos);
    return lastHeard.size();
  }
}
