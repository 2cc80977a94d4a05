package org.weverywhere.daemon.e2e;

import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;

/**
 * The daemon's beans in a process of their own under Weld SE, for tests that need several daemons
 * on several hosts (network namespaces). Prints {@code READY <node id>} once answering, runs until
 * its standard input closes, then stops as the daemon does (saying bye).
 */
public final class DaemonProcess {
  private DaemonProcess() {}

  public static void main(String[] args) throws Exception {
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, args[0]);
    Weld weld = new Weld().disableDiscovery().addBeanClasses(DaemonParts.CLASSES.toArray(Class[]::new));
    try (WeldContainer container = weld.initialize()) {
      Daemon daemon = container.select(Daemon.class).get();
      System.out.println("READY " + daemon.identity().nodeId());
      System.out.flush();
      // bounded by the parent: it closes our stdin or kills us when the test ends
      while (System.in.read() >= 0) {
        continue;
      }
    }
    System.out.println("STOPPED");
  }
}
