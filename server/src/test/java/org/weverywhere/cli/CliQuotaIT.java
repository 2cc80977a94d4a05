package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;

/**
 * A daemon whose anonymous group may move only 8 KiB: the CLI says which quota refused, in one
 * line.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliQuotaTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static int port;
  private static int httpPort;

  // before the class's Weld container starts, which is before any @BeforeAll of a PER_CLASS test
  static {
    var test =
        TestDaemonConfig.prepare(
            "small-daemon", List.of(), "group.anonymous.quota.network.period-bytes = 8KiB");
    port = test.udpPort();
    httpPort = test.httpPort();
  }

  @WeldSetup
  WeldInitiator weld = WeldInitiator.from(DaemonParts.CLASSES.toArray(Class[]::new)).build();

  @Inject Endpoints endpoints;

  private LoopbackBulkServer http;

  @BeforeAll
  void serveHttp() throws IOException {
    http = LoopbackBulkServer.start(endpoints, httpPort);
  }

  @AfterAll
  void stop() {
    http.close();
    TestDaemonConfig.clear();
  }

  @Test
  void aModuleLargerThanTheGroupsTrafficQuotaIsRefusedNamingTheQuota() throws IOException {
    assertTrue(Files.size(EXAMPLES.resolve("hello.wasi")) > 8 * 1024);
    CliRun run =
        CliRun.of(
            "run",
            "--peer",
            "127.0.0.1:" + port,
            "--timeout",
            "1",
            EXAMPLES.resolve("hello.wasi").toString());
    assertEquals(1, run.status(), run.toString());
    assertEquals("", run.out());
    assertTrue(
        run.err()
            .startsWith(
                "weverywhere: http://127.0.0.1:"
                    + httpPort
                    + "/weverywhere/v1/messages refused: quota 'network-period' exceeded: "),
        run.err());
    assertTrue(run.err().endsWith(" [WE5022]\n") && run.err().lines().count() == 1, run.err());
  }
}
