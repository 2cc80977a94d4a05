package org.weverywhere.daemon.endpoint;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.weverywhere.host.ThreadSource;

/**
 * Refusals of strangers' bodies held back for a while before they are sent, a bounded number at
 * once. A body refused before it was read (its head unverifiable, its source over a rate, the
 * unverified budget full) costs the daemon little to judge, but every answer ends a connection and
 * the container then reads and discards the rest of the body before it closes it: measured under
 * AttackBenchmark's flood of 4 MiB bodies, 900 connections a second kept 0.6 of the daemon's core
 * busy and a trusted HTTP request waited behind them. While a refusal is held, nothing reads its
 * connection (the sender's writes stop at the socket buffers) and the sender cannot start the next.
 *
 * <p>The hold grows with what its source has held already: {@code hold × (1 + held from the source
 * / PER_STEP)}. So a source's refusals are released at most about {@code PER_STEP} per hold,
 * however many connections it opens (up to {@code maxHeld}), and a wave of them as a trickle.
 *
 * <p>Holding costs no thread (the request is suspended) and is bounded: beyond {@code maxHeld}
 * refusals held at once, a refusal is sent at once, as without holding. Members' bodies are never
 * held. A sender that honours Retry-After loses nothing: it was told to wait at least as long.
 */
final class HeldRefusals implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HeldRefusals.class.getName());

  /** Refusals a source may have held before its next one waits one hold more. */
  static final int PER_STEP = 64;

  private final Duration hold;
  private final int maxHeld;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicLong sentAtOnce = new AtomicLong();
  private final ScheduledThreadPoolExecutor timer;

  /** Refusals held now by source (no entry for none): at most {@code maxHeld} entries. */
  private final Map<InetAddress, Integer> bySource = new ConcurrentHashMap<>();

  /**
   * The refusals held now, kept apart from the timer: a scheduled task taken back from a shut-down
   * executor cancels itself instead of running, so {@link #close} sends these itself.
   */
  private final Set<Held> waiting = ConcurrentHashMap.newKeySet();

  /** One held refusal, sent once whoever comes first: its timer or {@link #close}. */
  private final class Held implements Runnable {
    private final InetAddress source;
    private final Runnable send;
    private final AtomicBoolean sent = new AtomicBoolean();

    Held(InetAddress source, Runnable send) {
      this.source = source;
      this.send = send;
    }

    @Override
    public void run() {
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      waiting.remove(this);
      try {
        send.run();
      } catch (RuntimeException e) { // a sender gone away: its connection is the container's
        LOG.log(Level.FINE, "a held refusal could not be sent", e);
      } finally {
        bySource.computeIfPresent(source, (s, n) -> n > 1 ? n - 1 : null);
        held.decrementAndGet();
      }
    }
  }

  /**
   * @param hold how long a source's first refusal is held; zero sends every refusal at once
   * @param maxHeld how many may be held at once
   */
  HeldRefusals(Duration hold, int maxHeld) {
    if (hold.isNegative() || maxHeld < 0) {
      throw new IllegalArgumentException("hold " + hold + ", maxHeld " + maxHeld);
    }
    this.hold = hold;
    this.maxHeld = hold.isZero() ? 0 : maxHeld;
    // two threads: sending a refusal may also drain what is left of its body in the container
    this.timer =
        new ScheduledThreadPoolExecutor(2, ThreadSource.platform("held-refusal-", 0, true));
  }

  /**
   * Runs {@code send}, a refusal of a body from {@code source}, after its hold, or now (on this
   * thread) when {@code maxHeld} refusals are held already or the holder is closed.
   */
  void send(InetAddress source, Runnable send) {
    if (held.incrementAndGet() > maxHeld) {
      held.decrementAndGet();
      sentAtOnce.incrementAndGet();
      send.run();
      return;
    }
    int before = bySource.merge(source, 1, Integer::sum) - 1;
    var refusal = new Held(source, send);
    waiting.add(refusal);
    try {
      timer.schedule(refusal, holdAfter(before).toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      refusal.run();
    }
  }

  /**
   * The hold of a source's refusal when {@code before} of its refusals are held already: growing by
   * a fraction of a hold for each, so that a wave of connections is released as a trickle.
   */
  Duration holdAfter(int before) {
    return hold.plus(hold.multipliedBy(before).dividedBy(PER_STEP));
  }

  /** Refusals held now. */
  int held() {
    return held.get();
  }

  /** Refusals sent at once because {@code maxHeld} were held. */
  long sentAtOnce() {
    return sentAtOnce.get();
  }

  /** Sends every refusal still held, now: a stopping daemon keeps no connection waiting. */
  @Override
  public void close() {
    timer.shutdownNow();
    waiting.forEach(Held::run);
  }
}
