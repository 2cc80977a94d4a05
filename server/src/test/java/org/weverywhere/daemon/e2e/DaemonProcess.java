package org.weverywhere.daemon.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    return new Running(daemon, log, Duration.ofSeconds(60)).node();
  }

  /**
   * The command that runs this class on {@code configDir}: this JVM's java and class path, then
   * {@code jvmOptions}, then {@code args} (e.g. {@code --http}). Put {@code ip netns exec NS} in
   * front ({@code TestNetwork.exec}) to run it in a namespace: that execs, so the pid is the JVM's.
   */
  public static List<String> command(List<String> jvmOptions, Path configDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            DaemonProcess.class.getName(),
            configDir.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * A started daemon process, ready: its node id, one reader of its standard output (a second
   * reader could miss lines the first buffered), every wait bounded.
   */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Path log;
    private final Fingerprint node;

    private Running(Process process, Path log, Duration ready) throws Exception {
      this.process = process;
      this.log = log;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      try {
        line = readLine(ready);
      } catch (java.util.concurrent.TimeoutException slow) {
        line = "nothing within " + ready.toSeconds() + " s";
      }
      if (line == null || !line.startsWith("READY ")) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(
            "daemon did not start: "
                + line
                + "\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log at " + log + ")"));
      }
      this.node = Fingerprint.parse(line.substring("READY ".length()));
    }

    /**
     * Runs {@code command} ({@link DaemonProcess#command}), its standard error appended to {@code
     * log}, and waits at most {@code ready} for it to say READY; fails with the log when it does
     * not.
     */
    public static Running start(List<String> command, Path log, Duration ready) throws Exception {
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new Running(process, log, ready);
    }

    public Fingerprint node() {
      return node;
    }

    public Process process() {
      return process;
    }

    public long pid() {
      return process.pid();
    }

    /** What the daemon wrote to its standard error so far. */
    public String log() throws IOException {
      return Files.readString(log);
    }

    /** Its next line, null at its end; fails after {@code within}. */
    public String readLine(Duration within) throws Exception {
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  return out.readLine();
                } catch (IOException e) {
                  return "unreadable: " + e.getMessage();
                }
              })
          .get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A line to its stdin (see {@link DaemonProcess#main}), and its one-line answer. */
    public String command(String line, Duration within) throws Exception {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
      return readLine(within);
    }

    /** Closes its stdin, so it stops as the daemon does (saying bye); SIGKILL after 10 s. */
    @Override
    public void close() throws IOException {
      if (process.isAlive()) {
        process.getOutputStream().close();
      }
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, args[0]);
    Weld weld =
        new Weld()
            .disableDiscovery()
            .addBeanClasses(DaemonParts.CLASSES.toArray(Class[]::new))
            .addExtension(DaemonParts.configExtension())
            .addExtension(DaemonParts.configValidation());
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
