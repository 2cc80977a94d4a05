package org.weverywhere.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outside Liberty there is no managed thread factory: the threads are the JDK's, with each site's
 * name, daemon flag and kind (the failsafe LibertyDaemonIT shows the managed ones).
 */
class ThreadSourceTest {
  @Test
  void numberedPlatformThreadsKeepTheirNamesAndDaemonFlag() {
    ThreadFactory factory = ThreadSource.platform("test-pool-", 0, true);
    Thread first = factory.newThread(() -> {});
    Thread second = factory.newThread(() -> {});
    assertEquals("test-pool-0", first.getName());
    assertEquals("test-pool-1", second.getName());
    assertTrue(first.isDaemon());
    assertFalse(first.isVirtual());
    assertTrue(ThreadSource.tally().startsWith("0 from "), ThreadSource.tally());
  }

  @Test
  void aNamedThreadMayBeANonDaemon() {
    Thread thread = ThreadSource.unstarted("test-loop", false, () -> {});
    assertEquals("test-loop", thread.getName());
    assertFalse(thread.isDaemon());
    assertEquals(Thread.State.NEW, thread.getState());
  }

  @Test
  void anUnmanagedThreadIsAPlainPlatformThreadOnEveryRuntime() {
    Thread thread = ThreadSource.unmanaged("test-writer", true, () -> {});
    assertEquals("test-writer", thread.getName());
    assertTrue(thread.isDaemon());
    assertFalse(thread.isVirtual());
    assertEquals(Thread.State.NEW, thread.getState());
  }

  @Test
  void perTaskThreadsAreVirtual() throws Exception {
    try (ExecutorService executor = ThreadSource.virtualPerTask()) {
      assertTrue(
          executor.submit(() -> Thread.currentThread().isVirtual()).get(10, TimeUnit.SECONDS));
    }
  }
}
