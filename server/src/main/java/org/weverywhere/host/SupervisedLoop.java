package org.weverywhere.host;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A receive or accept loop that must outlive anything one message does. Its body runs on a platform
 * thread of its own; if the body ever ends while its endpoint is open (an {@link Error}, a bug),
 * the loop is {@linkplain #down() down} with the reason, so readiness says so, and it is started
 * again after a pause that doubles up to a few seconds.
 */
public final class SupervisedLoop implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SupervisedLoop.class.getName());
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

  /**
   * A body that ran this long before it ended starts again after the first pause, not a longer one.
   */
  private static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

  /** The loop: returns, or throws, only when it ends. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  private final String name;
  private final Body body;
  private final BooleanSupplier open;
  private final Duration firstPause;
  private final Thread thread;
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile String down;
  private volatile boolean closed;

  /**
   * @param name the thread's name, and the loop's in health reports
   * @param open whether the endpoint is still open: a body that ends once it is closed is not
   *     restarted
   * @param firstPause how long to wait before the first restart
   */
  public SupervisedLoop(String name, Body body, BooleanSupplier open, Duration firstPause) {
    this.name = name;
    this.body = body;
    this.open = open;
    this.firstPause = firstPause;
    this.thread = ThreadSource.unstarted(name, true, this::supervise);
  }

  public SupervisedLoop start() {
    thread.start();
    return this;
  }

  private void supervise() {
    Duration pause = firstPause;
    while (running()) {
      long started = System.nanoTime();
      String ended;
      try {
        body.run();
        ended = "the loop returned";
      } catch (
          Throwable
              t) { // the reporting boundary of the loop: whatever ended it is said, and it comes
        // back
        ended = t.toString();
        if (running()) {
          LOG.log(Level.SEVERE, name + " ended: " + ended, t);
        }
      }
      if (!running()) {
        return;
      }
      if (System.nanoTime() - started > HEALTHY_RUN.toNanos()) {
        pause = firstPause;
      }
      down = name + " stopped (" + ended + "); restarting it";
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return; // close() interrupts a pause
      }
      pause =
          pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
              ? LONGEST_PAUSE
              : pause.multipliedBy(2);
      restarts.incrementAndGet();
      down = null;
      LOG.warning(() -> name + " restarted (" + restarts.get() + " restarts since start)");
    }
  }

  private boolean running() {
    return !closed && open.getAsBoolean();
  }

  public String name() {
    return name;
  }

  /** Why the loop is not running now, while it waits to be restarted. */
  public Optional<String> down() {
    if (!closed && !thread.isAlive() && thread.getState() != Thread.State.NEW) {
      return Optional.of(name + " is not running");
    }
    return Optional.ofNullable(down);
  }

  /** How often the loop was started again since the daemon started. */
  public int restarts() {
    return restarts.get();
  }

  /** Stops restarting, and waits (bounded) for the body to end once its endpoint is closed. */
  @Override
  public void close() {
    closed = true;
    if (thread.getState() == Thread.State.TIMED_WAITING && down != null) {
      thread.interrupt();
    }
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
