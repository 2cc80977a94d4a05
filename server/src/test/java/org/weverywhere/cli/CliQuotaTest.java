package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonConfiguration;
import org.weverywhere.daemon.DaemonState;
import org.weverywhere.daemon.ExecutionConfiguration;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorBeans;
import org.weverywhere.traffic.TrafficBeans;

/** A daemon whose anonymous group may move only 8 KiB: the CLI says which quota refused, in one line. */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliQuotaTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static int port;
  private static int httpPort;

  // before the class's Weld container starts, which is before any @BeforeAll of a PER_CLASS test
  static {
    try (var udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        var tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = udp.getLocalPort();
      httpPort = tcp.getLocalPort();
      Path configDir = Files.createTempDirectory("we-cli-quota");
      Files.writeString(configDir.resolve("weverywhere.conf"), String.join("\n",
          "state.dir = " + configDir.resolve("state"),
          "node.name = small-daemon",
          "network.port = " + port,
          "http.port = " + httpPort,
          "group.anonymous.quota.network.period-bytes = 8KiB",
          ""));
      System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, configDir.toString());
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  @WeldSetup
  WeldInitiator weld = WeldInitiator.from(DaemonConfiguration.class, DaemonState.class, Daemon.class,
      Endpoints.class, TrafficBeans.class, Executor.class, ExecutorBeans.class, ExecutionConfiguration.class).build();

  @Inject Endpoints endpoints;

  private LoopbackBulkServer http;

  @BeforeAll
  void serveHttp() throws IOException {
    http = LoopbackBulkServer.start(endpoints, httpPort);
  }

  @AfterAll
  void stop() {
    http.close();
    System.clearProperty(ConfigLoader.CONFIG_DIR_PROPERTY);
  }

  @Test
  void aModuleLargerThanTheGroupsTrafficQuotaIsRefusedNamingTheQuota() throws IOException {
    assertTrue(Files.size(EXAMPLES.resolve("hello.wasi")) > 8 * 1024);
    CliRun run = CliRun.of("run", "--peer", "127.0.0.1:" + port, "--timeout", "1",
        EXAMPLES.resolve("hello.wasi").toString());
    assertEquals(1, run.status(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("weverywhere: http://127.0.0.1:" + httpPort
        + "/weverywhere/v1/messages refused: quota 'network-period' exceeded: "), run.err());
    assertTrue(run.err().endsWith(" [WE5022]\n") && run.err().lines().count() == 1, run.err());
  }
}
