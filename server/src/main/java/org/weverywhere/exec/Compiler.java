package org.weverywhere.exec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.weverywhere.ErrorCode;
import org.weverywhere.host.ThreadSource;

/**
 * Compiles modules on a bounded pool of threads, each compile within a budget (issue 13 item 12).
 *
 * <p>Neither engine can stop a compile half way (Cranelift runs in native code, Chicory's compiler
 * never looks at interrupts), so the bounds are on who waits and who may start one: the requester
 * waits until the compile's CPU time reaches its group's CPU budget per execution, or the
 * execution's wall-clock time runs out, and is then refused with {@link
 * ErrorCode#WASM_COMPILE_LIMIT}. CPU time is the compiling thread's (ThreadMXBean) where the engine
 * compiles on it (Chicory); Wasmtime compiles on native worker threads the JVM cannot see, so for
 * it the whole process's CPU time while the compile runs is counted: an upper bound that refuses
 * sooner on a busy host, never later. The compile itself goes on to its end and its result is
 * cached (so the work is not lost), but it keeps a compile slot of its group until then: a group
 * never has more compiles in flight than it has execution slots, so it cannot occupy the pool
 * beyond its share. A cache hit compiles nothing and costs nothing.
 */
public final class Compiler implements AutoCloseable {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** How often a waiting requester looks at the compile's CPU time. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final ExecutorService pool;
  private final Map<String, Integer> inFlight = new HashMap<>();

  /**
   * @param threads compiles running at once on the whole host
   */
  public Compiler(int threads) {
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, threads), ThreadSource.platform("weverywhere-compile-", 0, true));
  }

  /**
   * What one request may spend on compiling.
   *
   * @param group who pays: at most {@code slots} compiles of it run at once
   * @param cpu the compile's CPU time at most (the group's CPU time per execution)
   * @param wall how long the requester waits at most
   * @param threadCpu the compile runs on the pool's thread alone (else the process's CPU counts)
   */
  public record Budget(String group, int slots, Duration cpu, Duration wall, boolean threadCpu) {}

  /** Why a compile was not waited for. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /** A compile's result and the CPU time it took (zero when another request compiled it). */
  public record Compiled<T>(T value, Duration cpu) {}

  /**
   * Runs {@code compile} (which caches its result: a cache lookup that compiles on a miss) on the
   * pool and waits for it within {@code budget}.
   *
   * @throws Refused when the budget ran out or the group has all its compile slots busy
   */
  public <T> Compiled<T> compile(Budget budget, Supplier<T> compile) {
    return compile(budget, compile, () -> {});
  }

  /**
   * {@link #compile(Budget, Supplier)}, running {@code done} when the compile has ended, however
   * and whenever it ends (also after the requester stopped waiting): it releases what was reserved
   * for it.
   */
  public <T> Compiled<T> compile(Budget budget, Supplier<T> compile, Runnable done) {
    synchronized (inFlight) {
      int running = inFlight.getOrDefault(budget.group(), 0);
      if (running >= Math.max(1, budget.slots())) {
        done.run();
        throw new Refused(
            "group '"
                + budget.group()
                + "' already has "
                + running
                + " module(s) compiling, as many as its execution slots; try again when they are done");
      }
      inFlight.put(budget.group(), running + 1);
    }
    return waitFor(budget, compile, done);
  }

  private <T> Compiled<T> waitFor(Budget budget, Supplier<T> compile, Runnable ended) {
    AtomicLong thread = new AtomicLong(-1);
    AtomicLong cpuStart = new AtomicLong();
    long processStart = PROCESS.getProcessCpuTime();
    AtomicLong cpuUsed = new AtomicLong();
    CompletableFuture<T> done = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            cpuStart.set(THREADS.getCurrentThreadCpuTime());
            thread.set(Thread.currentThread().threadId());
            T value = null;
            Throwable failure = null;
            try {
              value = compile.get();
            } catch (Throwable failed) { // handed to the waiter, whatever it is
              failure = failed;
            }
            cpuUsed.set(
                budget.threadCpu()
                    ? THREADS.getCurrentThreadCpuTime() - cpuStart.get()
                    : Math.max(0, PROCESS.getProcessCpuTime() - processStart));
            thread.set(
                -1); // the thread goes on to other work: its clock is no longer this compile's
            release(budget.group()); // before the waiter hears: it may compile again at once
            ended.run();
            if (failure == null) {
              done.complete(value);
            } else {
              done.completeExceptionally(failure);
            }
          });
    } catch (RuntimeException rejected) {
      release(budget.group());
      ended.run();
      throw rejected;
    }
    long deadline = System.nanoTime() + budget.wall().toNanos();
    while (true) {
      try {
        T value = done.get(POLL_NANOS, TimeUnit.NANOSECONDS);
        return new Compiled<>(value, Duration.ofNanos(cpuUsed.get()));
      } catch (TimeoutException notYet) {
        long cpu =
            budget.threadCpu()
                ? cpuOf(thread.get(), cpuStart.get())
                : Math.max(0, PROCESS.getProcessCpuTime() - processStart);
        if (cpu >= budget.cpu().toNanos()) {
          throw new Refused(
              "compiling the module used "
                  + Duration.ofNanos(cpu).toMillis()
                  + " ms of CPU, the "
                  + budget.cpu().toMillis()
                  + " ms one execution of group '"
                  + budget.group()
                  + "' may use; it finishes in the background and a later request"
                  + " may find it compiled");
        }
        if (System.nanoTime() >= deadline) {
          throw new Refused(
              "compiling the module took longer than the "
                  + budget.wall().toMillis()
                  + " ms left of the execution's wall-clock time; it finishes in the background and a"
                  + " later request may find it compiled");
        }
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (failed.getCause() instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(failed.getCause());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new Refused("interrupted while waiting for the module to compile");
      }
    }
  }

  /** CPU nanoseconds the compiling thread used since it started this compile (0 before it did). */
  private static long cpuOf(long threadId, long start) {
    if (threadId < 0) {
      return 0; // still queued for a thread
    }
    long now = THREADS.getThreadCpuTime(threadId);
    return now < 0 ? 0 : Math.max(0, now - start);
  }

  private void release(String group) {
    synchronized (inFlight) {
      int left = inFlight.getOrDefault(group, 1) - 1;
      if (left <= 0) {
        inFlight.remove(group);
      } else {
        inFlight.put(group, left);
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
