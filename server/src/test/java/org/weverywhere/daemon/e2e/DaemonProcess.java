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
      // bounded by the parent: it closes our stdin or kills us when the test ends; meanwhile a line
      // "stop-service NAME" or "start-service NAME" stops or starts a service, as the control socket will
      var lines = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("stop-service ")) {
          container.select(org.weverywhere.service.Services.class).get().stop(line.substring("stop-service ".length()));
          System.out.println("STOPPED-SERVICE " + line.substring("stop-service ".length()));
          System.out.flush();
        } else if (line.startsWith("start-service ")) {
          var started = container.select(org.weverywhere.service.Services.class).get()
              .start(line.substring("start-service ".length()));
          System.out.println("SERVICE " + started.name() + " " + started.state().text());
          System.out.flush();
        }
      }
    }
    System.out.println("STOPPED");
  }
}
