package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
