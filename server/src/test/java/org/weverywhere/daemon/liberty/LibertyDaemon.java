package org.weverywhere.daemon.liberty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.weverywhere.config.ConfigKey;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.Engine;
import org.weverywhere.config.SampleConfig;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.UnicastProbe;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

/**
 * One real WEverywhere daemon on Open Liberty, started from this build's {@code target/liberty/wlp}
 * for a test or a benchmark: its own Liberty user directory (a copy of {@code wlp/usr} whose files
 * are hard links), configuration directory, state directory and free ports on loopback, so several
 * run side by side. {@link #close} stops it and deletes all of it.
 *
 * <pre>{@code
 * try (var daemon = LibertyDaemon.builder().name("a").line("group.anonymous.privileges = execute")
 *     .library(EXAMPLES.resolve("math.wasi")).start()) {
 *   ... daemon.udpAddress(), daemon.httpBase(), daemon.nodeId(), daemon.controlSocket() ...
 * }
 * }</pre>
 *
 * Needs the installed server ({@code ./mvnw -pl server package}), so tests that use it are failsafe
 * integration tests ({@code *IT}).
 */
public final class LibertyDaemon implements AutoCloseable {
  /** The Liberty server the build lays out (server/pom.xml, liberty-maven-plugin). */
  public static final String SERVER = "weverywhere";

  /** Where the build installs Liberty, relative to the server module (failsafe's working dir). */
  public static final String WLP_PROPERTY = "weverywhere.liberty.dir";

  /**
   * Drop-in of the fixture's own keys and the test's lines: read after weverywhere.conf, so it
   * overrides that, and before every other drop-in, so a test's own (or control's 99-control.conf)
   * overrides it, as on a real host.
   */
  static final String FIXTURE_CONF = ConfigLoader.DROP_IN_DIR + "/00-liberty-daemon.conf";

  private static final Pattern NODE_ID = Pattern.compile("\"nodeId\"\\s*:\\s*\"(SHA256:[^\"]+)\"");
  private static final int LOG_TAIL_LINES = 60;
  private static final String APPLICATION_FAILED = "CWWKZ0002E";

  /**
   * A listener failed while the web application started: the daemon's start observer threw (e.g. a
   * configuration it refuses), and Liberty says so with this, not with CWWKZ0002E.
   */
  private static final String LISTENER_FAILED = "SRVE0265E";

  /** The daemon's own exception in a stack dump, or one of its error codes. */
  private static final Pattern OUR_ERROR =
      Pattern.compile("org\\.weverywhere\\.[\\w.$]*Exception: |\\[WE\\d{4}\\]");

  private final Builder settings;
  private final Path root;
  private final Path userDir;
  private final Path configDir;
  private final Path stateDir;
  private final int udpPort;
  private final int httpPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private Thread onExit;
  private Fingerprint nodeId;

  private LibertyDaemon(Builder settings, Path root, int udpPort, int httpPort) {
    this.settings = settings;
    this.root = root;
    this.userDir = root.resolve("usr");
    this.configDir = root.resolve("etc");
    this.stateDir = root.resolve("state");
    this.udpPort = udpPort;
    this.httpPort = httpPort;
  }

  /** A daemon with the embedded sample configuration; see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** UDP: discovery and small requests, on 127.0.0.1. */
  public InetSocketAddress udpAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort);
  }

  public int udpPort() {
    return udpPort;
  }

  /** Liberty's HTTP endpoint (bulk channel, {@code /health/ready}): {@code http://127.0.0.1:N/}. */
  public URI httpBase() {
    return URI.create("http://127.0.0.1:" + httpPort + "/");
  }

  public int httpPort() {
    return httpPort;
  }

  /** The host key's fingerprint, as readiness and the UDP announce both said at the last start. */
  public Fingerprint nodeId() {
    return nodeId;
  }

  /** The daemon's configuration directory ({@code WEVERYWHERE_CONFIG_DIR}); edit it to reload. */
  public Path configDir() {
    return configDir;
  }

  /** The daemon's state directory ({@code WEVERYWHERE_STATE_DIR}): kept across restart and kill. */
  public Path stateDir() {
    return stateDir;
  }

  /**
   * The drop-in that holds the fixture's keys and the test's lines (where their values come from).
   */
  public Path fixtureConf() {
    return configDir.resolve(FIXTURE_CONF);
  }

  /** The AF_UNIX control socket, {@code control.socket} in the fixture's configuration. */
  public Path controlSocket() {
    return stateDir.resolve("control.sock");
  }

  /** Liberty's log directory: messages.log, console.log (when Liberty writes one), ffdc/. */
  public Path logDir() {
    return userDir.resolve("servers").resolve(SERVER).resolve("logs");
  }

  /** Liberty's messages.log, where the daemon's own log lines go too. */
  public Path messagesLog() {
    return logDir().resolve("messages.log");
  }

  /** What the server's JVM wrote to its standard output and error, every start appended. */
  public Path consoleLog() {
    return root.resolve("console.log");
  }

  /** The Liberty server's JVM ({@code server run} executes Java in place of its shell). */
  public long pid() {
    if (process == null) {
      throw new IllegalStateException("the daemon is not running");
    }
    return process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the daemon as an operator would ({@code server stop}) and starts it again, same dirs. */
  public void restart() {
    stop();
    launch();
  }

  /**
   * SIGKILL, then waits for the JVM to be gone: no bye, no journal close. {@link #restart} starts
   * it again on the same state directory.
   */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
    gone();
  }

  /** SIGSTOP: the daemon keeps its sockets but answers nothing until {@link #resume}. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  /** Stops the daemon ({@code server stop}, then SIGKILL if it is still there); dirs are kept. */
  public void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      try {
        var command =
            new ProcessBuilder(serverScript().toString(), "stop", SERVER)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()))
                .directory(root.toFile());
        environment(command.environment()); // the same WLP_USER_DIR finds the same server
        Process stopper = command.start();
        stopper.getOutputStream().close();
        if (!stopper.waitFor(60, TimeUnit.SECONDS)) {
          stopper.destroyForcibly();
        }
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (IOException e) {
        // `server stop` could not run: the SIGKILL below still ends the daemon
        appendConsole("liberty-daemon: server stop failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(30));
    }
    gone();
  }

  /** The process has ended: no hook to kill it at JVM exit any more. */
  private void gone() {
    process = null;
    if (onExit != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException exiting) {
        // the JVM is already shutting down, and the hook will find the process gone
      }
      onExit = null;
    }
  }

  /** Stops the daemon and deletes its user, configuration and state directories. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      ScratchDirectories.delete(root);
    }
  }

  /**
   * The last {@code lines} of messages.log, else of the console log: what a failure report shows.
   */
  public String logTail(int lines) {
    Path log = Files.exists(messagesLog()) ? messagesLog() : consoleLog();
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return log
          + " (last "
          + Math.min(lines, all.size())
          + " lines):\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * The daemon's threads as {@code jcmd PID Thread.print} prints them (at most 30 s, 4 MiB), for a
   * failure report when the daemon does not answer: which of Liberty's threads were busy, and with
   * what.
   */
  public String threadDump() {
    if (process == null || !process.isAlive()) {
      return "(no thread dump: the daemon is not running)";
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = null;
    try {
      p =
          new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readNBytes(4 << 20);
      p.waitFor(30, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no thread dump: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(no thread dump: interrupted)";
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return "Liberty daemon "
        + settings.name
        + " (udp "
        + udpPort
        + ", http "
        + httpPort
        + (process == null ? ", stopped" : ", pid " + process.pid())
        + ")";
  }

  // ---- starting

  private static LibertyDaemon start(Builder settings) {
    Path wlp = settings.wlp.toAbsolutePath().normalize();
    Path build = wlp.resolve("usr/servers").resolve(SERVER);
    if (!Files.isRegularFile(build.resolve("server.xml"))) {
      throw new StartFailure(
          "no Liberty server at "
              + build
              + ": build it first (./mvnw -pl server -am package), or set -D"
              + WLP_PROPERTY);
    }
    Path root = ScratchDirectories.create("we-liberty-");
    LibertyDaemon daemon;
    try {
      int[] ports = freePorts();
      daemon = new LibertyDaemon(settings, root, ports[0], ports[1]);
      daemon.layOut(wlp);
    } catch (IOException | RuntimeException e) {
      ScratchDirectories.delete(root);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    try {
      daemon.launch();
      return daemon;
    } catch (RuntimeException | Error e) {
      daemon.close();
      throw e;
    }
  }

  /** A free UDP port and a free TCP port on loopback (released just before the daemon binds). */
  private static int[] freePorts() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (var udp = new DatagramSocket(0, lo);
        var tcp = new ServerSocket(0, 1, lo)) {
      return new int[] {udp.getLocalPort(), tcp.getLocalPort()};
    }
  }

  private void layOut(Path wlp) throws IOException {
    linkUserDir(wlp.resolve("usr"), userDir);
    Path jvmOptions = userDir.resolve("servers").resolve(SERVER).resolve("jvm.options");
    List<String> options = new ArrayList<>();
    if (Files.exists(jvmOptions)) {
      options.addAll(Files.readAllLines(jvmOptions));
      Files.delete(jvmOptions); // a hard link to the build's: never write through it
    }
    options.add("# added by the test fixture LibertyDaemon (later options win)");
    options.addAll(settings.jvmOptions);
    Files.write(jvmOptions, options);

    Files.createDirectories(configDir);
    if (settings.configFrom == null) {
      for (String file : SampleConfig.files()) {
        Path target = configDir.resolve(file);
        Files.createDirectories(target.getParent());
        Files.write(target, SampleConfig.read(file));
      }
    } else {
      copyTree(settings.configFrom, configDir);
    }
    for (var file : settings.files.entrySet()) {
      Path target = configDir.resolve(file.getKey()).normalize();
      if (!target.startsWith(configDir)) {
        throw new IllegalArgumentException(file.getKey() + " is outside the configuration dir");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    List<String> lines = new ArrayList<>();
    lines.add("# the test fixture's own keys (LibertyDaemon), then the test's lines");
    lines.add("node.name = " + settings.name);
    lines.add("network.port = " + udpPort);
    // announcements carry the HTTP port: the same as Liberty's (WEVERYWHERE_HTTP_PORT)
    lines.add("http.port = " + httpPort);
    lines.add("control.socket = " + controlSocket());
    if (!settings.libraries.isEmpty()) {
      Path libraries = Files.createDirectories(configDir.resolve("libraries"));
      for (Path module : settings.libraries) {
        Files.copy(module, libraries.resolve(module.getFileName().toString()));
      }
      lines.add("libraries.dir = " + libraries);
    }
    lines.addAll(settings.lines);
    for (var line : settings.linesNamingItself) {
      lines.add(line.apply(udpAddress()));
    }
    Path conf = configDir.resolve(FIXTURE_CONF);
    Files.createDirectories(conf.getParent());
    Files.write(conf, lines);
  }

  /**
   * {@code wlp/usr} with the daemon's server only, every file a hard link (the WAR's loose-app
   * descriptor, the 23 MB wasmtime jar); what a previous run left (logs, workarea) is not taken.
   */
  private static void linkUserDir(Path source, Path target) throws IOException {
    Path servers = source.resolve("servers");
    Set<Path> skipped =
        Set.of(
            servers.resolve(".logs"),
            servers.resolve(SERVER).resolve("logs"),
            servers.resolve(SERVER).resolve("workarea"),
            servers.resolve(SERVER).resolve("apps/expanded"),
            servers.resolve(SERVER).resolve("tranlog"));
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (skipped.contains(dir)
                || dir.getParent() != null
                    && dir.getParent().equals(servers)
                    && !dir.getFileName().toString().equals(SERVER)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(target.resolve(source.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path copy = target.resolve(source.relativize(file).toString());
            try {
              Files.createLink(copy, file);
            } catch (UnsupportedOperationException | FileSystemException otherDevice) {
              // java.io.tmpdir on another file system than the build: a copy will do
              Files.copy(file, copy);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (var paths = Files.walk(source)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path copy = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      }
    }
  }

  private Path serverScript() {
    return settings.wlp.toAbsolutePath().normalize().resolve("bin/server");
  }

  private void launch() {
    if (process != null) {
      throw new IllegalStateException(this + " is already running");
    }
    var builder =
        new ProcessBuilder(serverScript().toString(), "run", SERVER)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()));
    environment(builder.environment());
    appendConsole("liberty-daemon: starting at " + Instant.now());
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new StartFailure("cannot run " + serverScript() + ": " + e.getMessage(), e);
    }
    // a test JVM that ends without closing us (a timeout, Ctrl-C) must not leave Liberty running
    Process started = process;
    onExit = new Thread(started::destroyForcibly, "liberty-daemon-" + settings.name + "-exit");
    Runtime.getRuntime().addShutdownHook(onExit);
    awaitReady();
  }

  /**
   * The environment {@code server run} gets: this JVM's Java, the fixture's directories and port;
   * none of the caller's variables that would override the daemon's configuration (MicroProfile
   * Config maps {@code NETWORK_PORT} to {@code network.port}) or Liberty's output directory.
   */
  private void environment(Map<String, String> env) {
    env.keySet().removeIf(LibertyDaemon::overridesTheFixture);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("WLP_USER_DIR", userDir.toString());
    env.put(ConfigLoader.CONFIG_DIR_VARIABLE, configDir.toString());
    env.put(org.weverywhere.config.DaemonPaths.STATE_DIR_VARIABLE, stateDir.toString());
    env.put("WEVERYWHERE_HTTP_PORT", Integer.toString(httpPort));
    env.put("WEVERYWHERE_HTTP_HOST", "127.0.0.1");
    env.putAll(settings.environment);
  }

  private static boolean overridesTheFixture(String variable) {
    if (Set.of(
            "WLP_OUTPUT_DIR",
            "WLP_USER_DIR",
            "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS",
            "WEVERYWHERE_CONFIG_DIR",
            "WEVERYWHERE_STATE_DIR",
            "WEVERYWHERE_HTTP_PORT",
            "WEVERYWHERE_HTTP_HOST")
        .contains(variable)) {
      return true;
    }
    for (ConfigKey<?> key : ConfigKeys.all()) {
      if (variable.equals(key.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ready means what a user sees: {@code /health/ready} answers UP, a discover sent to the UDP port
   * is answered, signed by the same node, and so is a describe sent over the HTTP bulk channel.
   * Bounded by the builder's timeout; on failure, the daemon is stopped and the exception carries
   * the tail of its log.
   */
  private void awaitReady() {
    Instant end = Instant.now().plus(settings.readyTimeout);
    String lastHealth = "no answer yet";
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        int status = process.exitValue();
        gone();
        throw new StartFailure(
            this.settings.name
                + ": Liberty exited with status "
                + status
                + " while starting\n"
                + logTail(LOG_TAIL_LINES));
      }
      String failedApp = applicationFailure();
      if (failedApp != null) {
        stop();
        throw new StartFailure(
            settings.name
                + ": the daemon's application did not start: "
                + failedApp
                + "\n"
                + logTail(LOG_TAIL_LINES));
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(httpBase().resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        lastHealth = health.statusCode() + " " + health.body();
        Matcher node = NODE_ID.matcher(health.body());
        if (health.statusCode() == 200 && node.find()) {
          Fingerprint said = Fingerprint.parse(node.group(1));
          Duration left = Duration.between(Instant.now(), end);
          var announced =
              new UnicastProbe(
                      new MessageSigner(Ed25519.generate()),
                      Verifier.of(Clock.systemUTC(), Optional.empty(), 64),
                      Clock.systemUTC())
                  .ask(
                      udpAddress(),
                      left.compareTo(Duration.ofSeconds(10)) < 0 ? left : Duration.ofSeconds(10));
          if (!announced.node().equals(said)) {
            throw new StartFailure(
                settings.name
                    + ": readiness says node "
                    + said
                    + " but UDP port "
                    + udpPort
                    + " answered as "
                    + announced.node()
                    + " (another daemon on the port?)");
          }
          bulkChannelAnswers(said);
          nodeId = said;
          return;
        }
      } catch (IOException notYet) {
        lastHealth = notYet.toString(); // Liberty's port not open yet
      } catch (ProtocolException silent) {
        lastHealth = "health UP, but a request: " + silent.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StartFailure(settings.name + ": interrupted while waiting for readiness", e);
      }
      sleep(Duration.ofMillis(250));
    }
    stop();
    throw new StartFailure(
        settings.name
            + ": not ready within "
            + settings.readyTimeout.toSeconds()
            + " s (last: "
            + lastHealth
            + ")\n"
            + logTail(LOG_TAIL_LINES));
  }

  /**
   * A client of the HTTP bulk channel with a fresh key (the anonymous group, unless a test names
   * it), as a test's requests use it: 30 s to connect, 60 s for an answer.
   */
  public static BulkClient bulkClient() {
    return bulkClient(Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  private static BulkClient bulkClient(Duration connect, Duration answer) {
    return new BulkClient(
        new MessageSigner(Ed25519.generate()),
        Verifier.of(Clock.systemUTC(), Optional.empty(), 64),
        Clock.systemUTC(),
        connect,
        answer,
        WireLimits.HTTP);
  }

  /**
   * The HTTP bulk channel answers a signed describe with a description: the JAX-RS resource is
   * deployed and works (readiness says nothing of it; a resource that failed to deploy still lets
   * the application start).
   */
  private void bulkChannelAnswers(Fingerprint node) {
    var client = bulkClient(Duration.ofSeconds(5), Duration.ofSeconds(30));
    Message answer = client.request(httpBase(), node, new Message.Describe(List.of())).message();
    if (!(answer instanceof Message.Description)) {
      throw new StartFailure(
          settings.name
              + ": the HTTP bulk channel answered a describe with "
              + answer
              + "\n"
              + logTail(LOG_TAIL_LINES));
    }
  }

  /**
   * When Liberty says the application failed (CWWKZ0002E), why: the daemon's own exceptions (and
   * error codes) from the FFDC reports, where Liberty puts the stack; else null.
   */
  private String applicationFailure() {
    try {
      if (!Files.exists(messagesLog())) {
        return null;
      }
      String log = new String(Files.readAllBytes(messagesLog()), StandardCharsets.UTF_8);
      List<String> causes = new ArrayList<>();
      for (String line : log.lines().toList()) {
        if (line.contains(LISTENER_FAILED) && OUR_ERROR.matcher(line).find()) {
          causes.add(line.strip());
        }
      }
      if (!log.contains(APPLICATION_FAILED) && causes.isEmpty()) {
        return null;
      }
      Path ffdc = logDir().resolve("ffdc");
      if (Files.isDirectory(ffdc)) {
        try (var reports = Files.list(ffdc)) {
          for (Path report : reports.sorted().toList()) {
            List<String> lines = Files.readAllLines(report, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
              if (!OUR_ERROR.matcher(lines.get(i)).find()) {
                continue;
              }
              // the exception's line and its message's further lines, up to its stack
              for (int j = i; j < Math.min(lines.size(), i + 8); j++) {
                String line = lines.get(j).strip();
                if (j > i && line.startsWith("at ")) {
                  break;
                }
                if (!causes.contains(line)) {
                  causes.add(line);
                }
              }
            }
          }
        }
      }
      return causes.isEmpty()
          ? "see " + APPLICATION_FAILED + " in the log below and the FFDC reports in " + ffdc
          : String.join("\n", causes.subList(0, Math.min(causes.size(), 20)));
    } catch (IOException e) {
      return null; // a log being written: looked at again on the next round
    }
  }

  private void awaitExit(Duration within) {
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(this + " did not exit within " + within);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void appendConsole(String line) {
    try {
      Files.writeString(
          consoleLog(),
          line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure("interrupted while waiting for the daemon", e);
    }
  }

  /** The daemon did not start or did not become ready; the message has the tail of its log. */
  public static final class StartFailure extends RuntimeException {
    StartFailure(String message) {
      super(message);
    }

    StartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What the daemon is started with. Every setter returns this builder. */
  public static final class Builder {
    private String name = "liberty-daemon";
    private Path wlp = Path.of(System.getProperty(WLP_PROPERTY, "target/liberty/wlp"));
    private Path configFrom;
    private final List<String> lines = new ArrayList<>();
    private final List<java.util.function.Function<InetSocketAddress, String>> linesNamingItself =
        new ArrayList<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final List<Path> libraries = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Duration readyTimeout = Duration.ofSeconds(300);

    private Builder() {}

    /** {@code node.name}: what discovery and the CLI show. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Start from a copy of this configuration directory instead of the embedded sample. */
    public Builder configFrom(Path dir) {
      this.configFrom = dir;
      return this;
    }

    /**
     * Configuration lines ({@code key = value}), after the fixture's own in {@code
     * weverywhere.d/00-liberty-daemon.conf}: they override weverywhere.conf, other drop-ins
     * override them.
     */
    public Builder line(String... lines) {
      this.lines.addAll(List.of(lines));
      return this;
    }

    /**
     * A configuration line that names the daemon's own UDP address, known only once its port is
     * chosen (e.g. {@code services.kv.peer}, a service whose peer is the daemon itself); after the
     * {@link #line}s.
     */
    public Builder lineNamingItself(java.util.function.Function<InetSocketAddress, String> line) {
      linesNamingItself.add(line);
      return this;
    }

    /** Any file of the configuration directory, e.g. {@code weverywhere.d/50-x.conf}. */
    public Builder file(String relative, String content) {
      files.put(relative, content.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** A member of a signature group: {@code groups/GROUP/NAME.pub-key.pem}. */
    public Builder groupKey(String group, String name, PublicKey key) {
      return file("groups/" + group + "/" + name + ".pub-key.pem", KeyPem.publicKeyText(key));
    }

    /** A module published under {@code libraries.dir} (the fixture's {@code etc/libraries}). */
    public Builder library(Path module) {
      libraries.add(module);
      return this;
    }

    /** {@code executor.engine}. */
    public Builder engine(Engine engine) {
      return line("executor.engine = " + engine.configName());
    }

    /** The server JVM's {@code -Xmx}, e.g. {@code 512m} (the build's jvm.options say 2g). */
    public Builder heap(String size) {
      return jvmOption("-Xmx" + size);
    }

    /** A line of the server's jvm.options, after the build's. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** A variable in the server's environment (after the fixture's own: it can override them). */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /**
     * How long start and restart wait for readiness: default 300 s, since Liberty took over 200 s
     * to start on this 2-core machine under a load average of 30 (15 s when quiet).
     */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /** Another Liberty installation than {@code target/liberty/wlp}. */
    public Builder wlp(Path wlp) {
      this.wlp = wlp;
      return this;
    }

    /** Lays the daemon out, starts it and waits until it is ready. */
    public LibertyDaemon start() {
      return LibertyDaemon.start(this);
    }
  }
}
