package org.weverywhere.daemon.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.trust.Fingerprint;

/**
 * The daemon's beans in a process of their own under Weld SE, for tests that need several daemons
 * on several hosts (network namespaces). Prints {@code READY <node id>} once answering, runs until
 * its standard input closes, then stops as the daemon does (saying bye). With {@code --http} after
 * the configuration directory it serves the HTTP bulk channel too, on 127.0.0.1 at {@code
 * http.port}.
 */
public final class DaemonProcess {
  private DaemonProcess() {}

  /**
   * Waits (at most a minute) for a started daemon process to say {@code READY} and returns its node
   * id; fails with its log when it does not.
   */
  static Fingerprint awaitReady(Process daemon, Path log) throws Exception {
    var out =
        new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    return null;
                  }
                })
            .get(60, TimeUnit.SECONDS);
    if (line == null || !line.startsWith("READY ")) {
      throw new AssertionError("daemon did not start: " + line + "\n" + Files.readString(log));
    }
    return Fingerprint.parse(line.substring("READY ".length()));
  }

  public static void main(String[] args) throws Exception {
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, args[0]);
    Weld weld =
        new Weld().disableDiscovery().addBeanClasses(DaemonParts.CLASSES.toArray(Class[]::new));
    org.weverywhere.daemon.endpoint.LoopbackBulkServer http = null;
    try (WeldContainer container = weld.initialize()) {
      Daemon daemon = container.select(Daemon.class).get();
      // "http=HOST:PORT" serves the HTTP bulk channel there (Liberty's part), for tests that run or
      // top; "--http" serves it on 127.0.0.1 at the configured http.port
      if (args.length > 1 && args[1].startsWith("http=")) {
        String at = args[1].substring("http=".length());
        http =
            org.weverywhere.daemon.endpoint.LoopbackBulkServer.start(
                container.select(org.weverywhere.daemon.endpoint.Endpoints.class).get(),
                new java.net.InetSocketAddress(
                    at.substring(0, at.lastIndexOf(':')),
                    Integer.parseInt(at.substring(at.lastIndexOf(':') + 1))));
      } else if (args.length > 1 && args[1].equals("--http")) {
        http =
            org.weverywhere.daemon.endpoint.LoopbackBulkServer.start(
                container.select(org.weverywhere.daemon.endpoint.Endpoints.class).get(),
                daemon.config().http().port());
      }
      System.out.println("READY " + daemon.identity().nodeId());
      System.out.flush();
      // bounded by the parent: it closes our stdin or kills us when the test ends; meanwhile a line
      // "stop-service NAME" or "start-service NAME" stops or starts a service, as `ctl service`
      // does
      var lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("stop-service ")) {
          container
              .select(org.weverywhere.service.Services.class)
              .get()
              .stop(line.substring("stop-service ".length()), "the test harness");
          System.out.println("STOPPED-SERVICE " + line.substring("stop-service ".length()));
          System.out.flush();
        } else if (line.equals("drain")) {
          // as `ctl drain` does: nothing new is admitted; nothing runs here, so it is drained at
          // once
          container.select(org.weverywhere.host.Intake.class).get().drain(java.time.Duration.ZERO);
          System.out.println("DRAINED");
          System.out.flush();
        } else if (line.equals("stop-http") && http != null) {
          // the daemon stops answering on its bulk channel while discovery still finds it
          http.close();
          System.out.println("HTTP-STOPPED");
          System.out.flush();
        } else if (line.startsWith("start-service ")) {
          var started =
              container
                  .select(org.weverywhere.service.Services.class)
                  .get()
                  .start(line.substring("start-service ".length()), "the test harness");
          System.out.println("SERVICE " + started.name() + " " + started.state().text());
          System.out.flush();
        } else if (line.equals("problems")) { // what readiness would say, one line
          System.out.println("PROBLEMS " + daemon.problems());
          System.out.flush();
        }
      }
      if (http != null) {
        http.close();
      }
    }
    System.out.println("STOPPED");
  }
}
