package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;

/**
 * A daemon whose anonymous group may move only 8 KiB: the CLI says which quota refused, in one
 * line.
 */
@TestDaemon(name = "small-daemon", config = "group.anonymous.quota.network.period-bytes = 8KiB")
class CliQuotaIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  static LibertyDaemon daemon;

  @Test
  void aModuleLargerThanTheGroupsTrafficQuotaIsRefusedNamingTheQuota() throws IOException {
    assertTrue(Files.size(EXAMPLES.resolve("hello.wasi")) > 8 * 1024);
    CliRun run =
        CliRun.of(
            "run",
            "--peer",
            "127.0.0.1:" + daemon.udpPort(),
            "--timeout",
            "1",
            EXAMPLES.resolve("hello.wasi").toString());
    assertEquals(1, run.status(), run.toString());
    assertEquals("", run.out());
    assertTrue(
        run.err()
            .startsWith(
                "weverywhere: http://127.0.0.1:"
                    + daemon.httpPort()
                    + "/weverywhere/v1/messages refused: quota 'network-period' exceeded: "),
        run.err());
    assertTrue(run.err().endsWith(" [WE5022]\n") && run.err().lines().count() == 1, run.err());
  }
}
