package org.weverywhere.daemon.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.trust.Fingerprint;

/**
 * The daemon's beans under Weld SE in a child JVM ({@code DaemonProcess}, with the JDK's HTTP
 * server standing in for Liberty's): starts in seconds, to try the soak's load itself. The recorded
 * run uses {@link LibertySoakDaemon}.
 */
final class WeldSoakDaemon implements SoakDaemon {
  private final Path dir;
  private final Process process;
  private final SoakTarget target;

  private WeldSoakDaemon(Path dir, Process process, SoakTarget target) {
    this.dir = dir;
    this.process = process;
    this.target = target;
  }

  static WeldSoakDaemon start(List<String> lines, List<Path> libraries) throws IOException {
    Path dir = ScratchDirectories.create("we-soak");
    Path modules = Files.createDirectories(dir.resolve("libraries"));
    for (Path library : libraries) {
      Files.copy(library, modules.resolve(library.getFileName().toString()));
    }
    int port;
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    int httpPort;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      httpPort = socket.getLocalPort();
    }
    Path control = dir.resolve("control.sock");
    List<String> config = new ArrayList<>();
    config.add("node.name = soak");
    config.add("state.dir = " + dir.resolve("state"));
    config.add("libraries.dir = " + modules);
    config.add("network.port = " + port);
    config.add("http.port = " + httpPort);
    config.add("control.socket = " + control);
    config.addAll(lines);
    Files.write(dir.resolve("weverywhere.conf"), config);
    Process process =
        new ProcessBuilder(
                org.weverywhere.daemon.e2e.DaemonProcess.command(
                    List.of("-Xss4m", "-Xmx2g"), // as Liberty's jvm.options
                    dir,
                    "--http"))
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log").toFile()))
            .start();
    var daemon =
        new WeldSoakDaemon(
            dir,
            process,
            new SoakTarget(
                process.pid(),
                awaitReady(process, dir.resolve("daemon.log")),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                MulticastGroups.DEFAULT.withPort(port),
                URI.create("http://127.0.0.1:" + httpPort),
                control,
                dir.resolve("state").resolve("events")));
    return daemon;
  }

  private static Fingerprint awaitReady(Process daemon, Path log) throws IOException {
    var out =
        new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
    String line;
    try {
      line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .get(120, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      daemon.destroyForcibly();
      throw new IllegalStateException("the daemon did not start within 120 s: " + e, e);
    }
    if (line == null || !line.startsWith("READY ")) {
      daemon.destroyForcibly();
      throw new IllegalStateException(
          "daemon did not start: " + line + "\n" + Files.readString(log));
    }
    return Fingerprint.parse(line.substring("READY ".length()));
  }

  @Override
  public SoakTarget target() {
    return target;
  }

  @Override
  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public String log() {
    return dir.resolve("daemon.log").toString();
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close(); // DaemonProcess stops when its standard input closes
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // nothing to do when closed before (the shutdown hook after a normal end)
    ScratchDirectories.delete(dir);
  }
}
