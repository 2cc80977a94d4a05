package org.weverywhere.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration directory for a test daemon: free UDP and HTTP ports on loopback, its own state
 * directory, the example libraries named, plus the lines a test adds. Made the configuration of the
 * daemon this thread starts next (its own MicroProfile Config, {@link ContainerConfig}) until
 * {@link #clear}; another daemon in the same JVM keeps its own.
 */
public record TestDaemonConfig(Path dir, int udpPort, int httpPort) {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  /**
   * @param libraries example modules (e.g. {@code math.wasi}) published through libraries.dir
   * @param lines more configuration lines, e.g. {@code group.anonymous.privileges = execute}
   */
  public static TestDaemonConfig prepare(String name, List<String> libraries, String... lines) {
    try (var udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        var tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path dir = ScratchDirectories.create("we-" + name);
      List<String> config =
          new ArrayList<>(
              List.of(
                  "state.dir = " + dir.resolve("state"),
                  "node.name = " + name,
                  "network.port = " + udp.getLocalPort(),
                  "http.port = " + tcp.getLocalPort()));
      if (!libraries.isEmpty()) {
        Path modules = Files.createDirectories(dir.resolve("libraries"));
        for (String library : libraries) {
          Files.copy(
              EXAMPLES.resolve(library),
              modules.resolve(Path.of(library).getFileName().toString()));
        }
        config.add("libraries.dir = " + modules);
      }
      // a test daemon offers what its test names: the built-in probes only when a test asks for
      // them
      if (java.util.Arrays.stream(lines)
          .noneMatch(l -> l.strip().startsWith("libraries.builtin"))) {
        config.add("libraries.builtin = false");
      }
      config.addAll(List.of(lines));
      Files.writeString(dir.resolve("weverywhere.conf"), String.join("\n", config) + "\n");
      clear();
      ENTERED.set(ContainerConfig.enter(dir));
      return new TestDaemonConfig(dir, udp.getLocalPort(), tcp.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ends the configuration this thread last prepared: a daemon started under it keeps its Config,
   * and this thread's lookups see the JVM's default again.
   */
  public static void clear() {
    ContainerConfig entered = ENTERED.get();
    if (entered != null) {
      ENTERED.remove();
      entered.close();
    }
  }

  private static final ThreadLocal<ContainerConfig> ENTERED = new ThreadLocal<>();
}
