package org.weverywhere.exec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.weverywhere.host.ThreadSource;

/**
 * Polls the CPU time of every executing thread (ThreadMXBean) and the wall clock, and interrupts a
 * guest at its budget. One daemon thread serves all executions; the period bounds how late a
 * runaway guest is stopped.
 */
public final class Watchdog implements AutoCloseable {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final long periodNanos;
  private final Thread thread;
  private volatile boolean running = true;

  public Watchdog(Duration period) {
    this.periodNanos = period.toNanos();
    this.thread = ThreadSource.unstarted("weverywhere-watchdog", true, this::loop);
    thread.start();
  }

  /** CPU time the current thread has used so far, in nanoseconds. */
  public static long currentThreadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /**
   * Watches the current thread from now on until the returned watch is closed.
   *
   * @param wallNanos wall-clock budget from now
   */
  public Watch watch(Duration cpuBudget, long wallNanos, Interruption interruption) {
    var watch =
        new Watch(
            Thread.currentThread().threadId(),
            currentThreadCpuNanos(),
            cpuBudget.toNanos(),
            System.nanoTime() + wallNanos,
            interruption);
    watches.add(watch);
    return watch;
  }

  private void loop() {
    while (running) {
      long now = System.nanoTime();
      for (Watch watch : watches) {
        long cpu = THREADS.getThreadCpuTime(watch.threadId);
        if (cpu >= 0 && cpu - watch.cpuStart >= watch.cpuBudget) {
          watch.interruption.request(Interruption.Reason.CPU_TIME);
        } else if (now >= watch.wallDeadline) {
          watch.interruption.request(Interruption.Reason.WALL_CLOCK);
        }
      }
      LockSupport.parkNanos(periodNanos);
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }

  /** One watched execution; close it when the guest returned. */
  public final class Watch implements AutoCloseable {
    private final long threadId;
    private final long cpuStart;
    private final long cpuBudget;
    private final long wallDeadline;
    private final Interruption interruption;

    private Watch(
        long threadId,
        long cpuStart,
        long cpuBudget,
        long wallDeadline,
        Interruption interruption) {
      this.threadId = threadId;
      this.cpuStart = cpuStart;
      this.cpuBudget = cpuBudget;
      this.wallDeadline = wallDeadline;
      this.interruption = interruption;
    }

    @Override
    public void close() {
      watches.remove(this);
    }
  }
}
