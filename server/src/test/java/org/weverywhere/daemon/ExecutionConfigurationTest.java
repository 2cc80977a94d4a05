package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.exec.GroupLimits;

class ExecutionConfigurationTest {
  @TempDir Path dir;

  @Test
  void groupQuotasFallBackToTheHostsWhereUnset() throws IOException {
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "host.quota.cores = 2",
            "host.quota.memory = 1GiB",
            "executor.wall-timeout = 30s",
            "group.friends.quota.memory = 256MiB",
            "group.friends.quota.cores = 1",
            "host.quota.disk.per-execution = 64MiB",
            "group.friends.quota.disk.per-execution = 1GiB",
            "group.operators.privileges = observe, fetch, execute, publish, control",
            ""));
    var quotas = ExecutionConfiguration.quotas(ConfigLoader.filesOnly().load(dir));

    assertEquals(2, quotas.host().cores());
    assertEquals(
        new GroupLimits(1, 256L << 20, 256L << 20, Duration.ofSeconds(30), 64L << 20),
        quotas.groups().get("friends"),
        "no group's disk quota passes the host's");
    assertEquals(
        new GroupLimits(2, 1L << 30, 512L << 20, Duration.ofSeconds(30), 64L << 20),
        quotas.groups().get("operators"),
        "one execution's memory: the group's shared by its cores, so both slots can run at once");
    assertEquals(
        new GroupLimits(1, 64L << 20, 16L << 20, Duration.ofSeconds(1), 16L << 20),
        quotas.groups().get("anonymous"),
        "anonymous keeps its conservative sample defaults");
  }

  @Test
  void guestMemoryOnTheHeapIsLoweredToWhatTheHeapCanHoldBesideTheDaemon() {
    var quotas =
        new org.weverywhere.exec.QuotaSettings(
            new org.weverywhere.exec.HostLimits(2, 1L << 30),
            java.util.Map.of(
                "anonymous",
                new GroupLimits(1, 64L << 20, 16L << 20, Duration.ofSeconds(1), 16L << 20),
                "team",
                new GroupLimits(2, 1L << 30, 1L << 30, Duration.ofSeconds(1), 128L << 20)));
    long heap = 1L << 30;
    var fitted =
        ExecutionConfiguration.fitToHeap(quotas, org.weverywhere.config.Engine.CHICORY, heap);
    long room = heap - ExecutionConfiguration.DAEMON_HEAP - 2 * (128L << 20);
    assertEquals(room, fitted.host().memoryTotal());
    assertEquals(room, fitted.groups().get("team").memoryTotal());
    assertEquals(16L << 20, fitted.groups().get("anonymous").memoryPerExecution());
    assertEquals(
        quotas,
        ExecutionConfiguration.fitToHeap(quotas, org.weverywhere.config.Engine.WASMTIME, heap),
        "Wasmtime's guest memory is outside the heap");
    assertEquals(
        quotas,
        ExecutionConfiguration.fitToHeap(quotas, org.weverywhere.config.Engine.CHICORY, 4L << 30));
    assertEquals(
        0,
        ExecutionConfiguration.fitToHeap(quotas, org.weverywhere.config.Engine.CHICORY, 256L << 20)
            .host()
            .memoryTotal(),
        "a heap too small for the daemon itself admits no guest memory");
  }

  @Test
  void aGroupThatOnlyHasKeysGetsTheHostsLimitsLikeANamedOne() throws IOException {
    Files.writeString(
        dir.resolve("weverywhere.conf"), "host.quota.cores = 2\nhost.quota.memory = 1GiB\n");
    var keys =
        org.weverywhere.trust.KeyPairFiles.named(
            Files.createDirectories(dir.resolve("groups/team")), "alice");
    keys.write(org.weverywhere.trust.Ed25519.generate(), false);
    Files.delete(keys.privateKey()); // groups hold public keys only
    var quotas = ExecutionConfiguration.quotas(ConfigLoader.filesOnly().load(dir));
    assertEquals(
        new GroupLimits(2, 1L << 30, 512L << 20, Duration.ofMinutes(1), 256L << 20),
        quotas.groups().get("team"),
        "the default wall-clock timeout bounds its CPU time");
  }

  // ---- issue 13: quotas whose directory trees the heap cannot hold are refused, not silently 0

  private org.weverywhere.config.Config config(String... lines) throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), String.join("\n", lines) + "\n");
    return ConfigLoader.filesOnly().load(dir);
  }

  @Test
  void eightCoresOfTreesOnATwoGibHeapAreRefusedNamingTheKeyItsLineAndTheFigures()
      throws IOException {
    var config =
        config(
            "group.team.privileges = execute",
            "host.quota.cores = 8",
            "group.team.quota.memory = 256MiB");
    var problem = ExecutionConfiguration.heapProblem(config, 2L << 30).orElseThrow();
    assertEquals(org.weverywhere.ErrorCode.CONFIG_BAD_VALUE, problem.code());
    assertEquals(dir.resolve("weverywhere.conf") + ":2", problem.origin().toString());
    assertEquals(
        "host.quota.cores = 8: the JVM heap (2048 MiB, -Xmx) cannot hold the directory trees of"
            + " 8 executions at once (8 × 256 MiB, host.quota.disk.per-execution) beside 512 MiB"
            + " for the daemon and 16 MiB of guest memory for one execution (Chicory), so every"
            + " execution would be refused; lower host.quota.cores or"
            + " host.quota.disk.per-execution, or raise -Xmx in jvm.options",
        problem.message());
    assertEquals(
        0,
        ExecutionConfiguration.fitToHeap(
                ExecutionConfiguration.quotas(config),
                org.weverywhere.config.Engine.CHICORY,
                2L << 30)
            .host()
            .memoryTotal(),
        "what the refusal prevents: the fitted memory quota is 0, every execution refused");
    var refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.weverywhere.config.InvalidConfigException.class,
            () -> ExecutionConfiguration.refuseUnfit(config, 2L << 30));
    assertEquals(problem.toString(), refused.getMessage());
  }

  /**
   * With {@code host.quota.cores = 2} and the sample's team: 2 × 256 MiB of trees and 512 MiB for
   * the daemon leave {@code heap - 1024} MiB for guest memory, which only Chicory keeps on the
   * heap.
   */
  @ParameterizedTest(name = "{0} on a {1} MiB heap: fits {2}")
  @CsvSource({
    "default,  2048, true,  the sample's quotas on the build's 2 GiB heap",
    "default,  1088, true,  64 MiB left: the memory quota is lowered (a warning) and 16 MiB fit",
    "chicory,  1032, false, 8 MiB left: less than anonymous's 16 MiB grant on Chicory",
    "wasmtime, 1032, true,  8 MiB left: room enough on Wasmtime whose guest memory is off the heap",
    "wasmtime, 1024, false, no room at all beside the trees and the daemon on any engine",
  })
  void quotasAreRefusedOnlyWhenTheHeapCannotHoldThem(
      String engine, long heapMib, boolean fits, String why) throws IOException {
    var config =
        engine.equals("default")
            ? config("host.quota.cores = 2", "group.team.privileges = execute")
            : config(
                "host.quota.cores = 2",
                "group.team.privileges = execute",
                "executor.engine = " + engine);
    assertEquals(fits, ExecutionConfiguration.heapProblem(config, heapMib << 20).isEmpty(), why);
  }

  @Test
  void onlyLoweringTheMemoryIsNoRefusal() throws IOException {
    var lowered = config("host.quota.cores = 2", "group.team.privileges = execute");
    assertEquals(
        64L << 20,
        ExecutionConfiguration.fitToHeap(
                ExecutionConfiguration.quotas(lowered),
                org.weverywhere.config.Engine.CHICORY,
                (1L << 30) + (64L << 20))
            .host()
            .memoryTotal());
  }

  @Test
  void theLargestTreeIsNamedWhereItIsSetAndHugeFiguresDoNotOverflow() throws IOException {
    var config =
        config(
            "host.quota.cores = 4096",
            "host.quota.disk.per-execution = 4EiB",
            "group.team.privileges = execute");
    var problem = ExecutionConfiguration.heapProblem(config, 4L << 30).orElseThrow();
    assertTrue(
        problem.message().contains("(4096 × 4398046511104 MiB, host.quota.disk.per-execution)"),
        problem.message());
    var byGroup =
        config(
            "host.quota.cores = 8",
            "group.team.privileges = execute",
            "group.team.quota.disk.per-execution = 200MiB");
    var groupProblem = ExecutionConfiguration.heapProblem(byGroup, 1L << 30).orElseThrow();
    assertTrue(
        groupProblem.message().contains("8 × 200 MiB, group.team.quota.disk.per-execution"),
        groupProblem.message());
    assertEquals(dir.resolve("weverywhere.conf") + ":1", groupProblem.origin().toString());
  }
}
