package org.weverywhere.host;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Where the daemon's threads come from. On Open Liberty: the container's managed thread factory
 * (Jakarta Concurrency, {@value #MANAGED_FACTORY}), so its threads run in the application's context
 * and the server knows them; under Weld SE and in any plain JVM, where there is no such resource:
 * the JDK's platform threads. Every creation site keeps its thread's name, daemon flag and kind;
 * only the factory changes. Virtual threads are the JDK's in both: {@code concurrent-3.0} (Jakarta
 * EE 10) has no virtual managed threads. A thread the application's start waits for is plain on
 * every runtime ({@link #unmanaged}): on Liberty a managed one would not run before the start ends.
 *
 * <p>Static, not a bean, so that each site changes only the line that makes its thread (field
 * initialisers of classes that are not beans among them). The factory is looked up each time a site
 * asks (a few times per start, always on a thread of the application), never cached: after an
 * application restart on Liberty the old one is gone.
 */
public final class ThreadSource {
  /** Jakarta Concurrency's default managed thread factory, which every EE server provides. */
  public static final String MANAGED_FACTORY = "java:comp/DefaultManagedThreadFactory";

  private static final Logger LOG = Logger.getLogger(ThreadSource.class.getName());
  private static final AtomicLong MANAGED = new AtomicLong();
  private static final AtomicLong PLAIN = new AtomicLong();

  private ThreadSource() {}

  /** Platform threads named {@code name}. */
  public static ThreadFactory platform(String name, boolean daemon) {
    return platform(name, -1, daemon);
  }

  /**
   * Platform threads named {@code prefix} and a counter from {@code start} ({@code udp-guest-0},
   * {@code udp-guest-1}, ...), or {@code prefix} alone when {@code start} is negative.
   */
  public static ThreadFactory platform(String prefix, long start, boolean daemon) {
    AtomicLong next = new AtomicLong(Math.max(0, start));
    Optional<ThreadFactory> managed = managedFactory();
    if (managed.isEmpty()) {
      Thread.Builder.OfPlatform builder = Thread.ofPlatform().daemon(daemon);
      ThreadFactory plain =
          (start < 0 ? builder.name(prefix) : builder.name(prefix, start)).factory();
      return task -> {
        PLAIN.incrementAndGet();
        return plain.newThread(task);
      };
    }
    ThreadFactory factory = managed.get();
    return task -> {
      Thread thread = factory.newThread(task);
      thread.setName(start < 0 ? prefix : prefix + next.getAndIncrement());
      thread.setDaemon(daemon);
      MANAGED.incrementAndGet();
      return thread;
    };
  }

  /** One unstarted platform thread. */
  public static Thread unstarted(String name, boolean daemon, Runnable task) {
    return platform(name, daemon).newThread(task);
  }

  /**
   * One unstarted plain platform thread on every runtime, for a thread that the application's start
   * waits for. On Liberty a managed thread started while the web module initialises runs nothing
   * until that initialisation ends: its run first restores the application's context, which asks
   * {@code WebApp.initialize} for the module's metadata, and that waits for the monitor the
   * starting thread holds while it notifies the CDI {@code Startup} observers. An observer that
   * waits for such a thread (the daemon's start journals its start durably) never returns, and the
   * application never starts (thread dump in docs/ARCHITECTURE.md, "Where threads come from").
   */
  public static Thread unmanaged(String name, boolean daemon, Runnable task) {
    PLAIN.incrementAndGet();
    return Thread.ofPlatform().name(name).daemon(daemon).unstarted(task);
  }

  /** A virtual thread per task, the JDK's on every runtime (Jakarta Concurrency 3.0 has none). */
  public static ExecutorService virtualPerTask() {
    return Executors.newVirtualThreadPerTaskExecutor();
  }

  /** How many platform threads came from the managed factory, and how many were plain. */
  public static String tally() {
    return MANAGED.get() + " from " + MANAGED_FACTORY + ", " + PLAIN.get() + " plain";
  }

  private static Optional<ThreadFactory> managedFactory() {
    try {
      return Optional.of((ThreadFactory) new InitialContext().lookup(MANAGED_FACTORY));
    } catch (NamingException absent) {
      // Weld SE and plain JVMs have no naming context: their threads are the JDK's
      LOG.log(Level.FINE, "no " + MANAGED_FACTORY + ": plain threads", absent);
      return Optional.empty();
    }
  }
}
