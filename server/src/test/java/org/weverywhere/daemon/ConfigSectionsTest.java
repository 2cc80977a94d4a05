package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.config.EnvConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.InvalidConfigException;
import org.weverywhere.config.Origin;
import org.weverywhere.control.ControlActions;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.properties.HostQuotaProperties;
import org.weverywhere.host.properties.IdempotencyProperties;
import org.weverywhere.protocol.Message;
import org.weverywhere.traffic.TrafficLedger;

/**
 * Beans receive their configuration sections as MicroProfile {@code @ConfigProperties} mappings
 * under Weld SE (SmallRye Config, as in Liberty's mpConfig feature): a file's value, outranked by
 * the environment and by a system property as MicroProfile Config defines it; a live section
 * reaches its bean again after a reload while an injected mapping keeps its start values; a bad
 * value stops the daemon with its file and line, or its variable, before anything is injected.
 */
class ConfigSectionsTest {
  private static final String MAX_BYTES = "protocol.idempotency.max-bytes";
  private final List<AutoCloseable> opened = new ArrayList<>();
  private ContainerConfig entered;

  @AfterEach
  void close() throws Exception {
    System.clearProperty(MAX_BYTES);
    for (AutoCloseable each : opened.reversed()) {
      each.close();
    }
    TestDaemonConfig.clear();
  }

  /** A daemon of these lines, with an environment of its own. */
  private WeldContainer start(String name, Map<String, String> environment, String... lines) {
    var test = TestDaemonConfig.prepare(name, List.of(), lines);
    TestDaemonConfig.clear();
    ContainerConfig config =
        ContainerConfig.enter(
            test.dir(), new ConfigSource[] {new EnvConfigSource(environment, 300)});
    opened.add(config);
    entered = config;
    WeldContainer container = DaemonParts.weld("sections-" + test.udpPort()).initialize();
    opened.add(container);
    // the daemon's Config stays this thread's until the test ends, so that the test can look up
    // a mapping as the daemon's own threads would
    return container;
  }

  private static <T> T section(WeldContainer container, Class<T> type) {
    return container.select(type, ConfigProperties.Literal.NO_PREFIX).get();
  }

  @Test
  void aSectionTakesTheFileOutrankedByTheEnvironmentThenASystemProperty() {
    System.setProperty(MAX_BYTES, "3MiB");
    WeldContainer daemon =
        start(
            "sections",
            Map.of(
                "PROTOCOL_IDEMPOTENCY_ENTRIES", "200",
                "PROTOCOL_IDEMPOTENCY_MAX_BYTES", "2MiB"),
            "protocol.idempotency.window = 3m",
            "protocol.idempotency.entries = 100",
            "protocol.idempotency.max-bytes = 1MiB");

    IdempotencyProperties injected = section(daemon, IdempotencyProperties.class);
    assertEquals(Duration.ofMinutes(3), injected.window()); // the file's, converted from "3m"
    assertEquals(200, injected.entries()); // the environment's over the file's
    assertEquals(ByteSize.ofMebibytes(3), injected.maxBytes()); // the property's over both
    // the typed configuration agrees, and says where each value came from
    var typed = daemon.select(RunningConfig.class).get().current();
    assertEquals(200, typed.value(ConfigKeys.PROTOCOL_IDEMPOTENCY_ENTRIES));
    assertEquals(ByteSize.ofMebibytes(3), typed.value(ConfigKeys.PROTOCOL_IDEMPOTENCY_MAX_BYTES));
    assertEquals(
        new Origin.Environment("PROTOCOL_IDEMPOTENCY_ENTRIES"),
        typed.entries().stream()
            .filter(e -> e.key().equals("protocol.idempotency.entries"))
            .findFirst()
            .orElseThrow()
            .origin());
  }

  @Test
  void aReloadReachesTheLiveSectionAndNotTheMappingInjectedAtStart() throws IOException {
    WeldContainer daemon =
        start(
            "live",
            Map.of("HOST_QUOTA_NETWORK_RATE", "100MiB/s"),
            "host.quota.network.period-bytes = 1MiB");
    TrafficLedger ledger = daemon.select(TrafficLedger.class).get();
    long reply = ByteSize.ofMebibytes(2).bytes();
    assertEquals(
        TrafficLedger.Limit.HOST_PERIOD,
        assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("friends", 0, reply)).limit());

    Path dir = daemon.select(RunningConfig.class).get().directory().orElseThrow();
    Files.writeString(
        Files.createDirectories(dir.resolve("weverywhere.d")).resolve("50-more.conf"),
        "host.quota.network.period-bytes = 8MiB\n");
    reload(daemon);

    // the ledger took the section again on ConfigChanged: the same reply fits now
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("friends", 0, reply));
    var live = daemon.select(RunningConfig.class).get().section(HostQuotaProperties.class).quota();
    assertEquals(ByteSize.ofMebibytes(8), live.networkPeriodBytes());
    // the environment still outranks the reloaded files
    assertEquals(ByteSize.ofMebibytes(100), live.networkRate().perSecond());
    // a mapping the container injects keeps what the daemon started with: why live sections are
    // read again rather than injected
    assertEquals(
        ByteSize.ofMebibytes(1),
        section(daemon, HostQuotaProperties.class).quota().networkPeriodBytes());
  }

  /**
   * The executor and the service imports are made at the first execution, on a request's thread,
   * after the test fixtures (InProcessDaemon, TestDaemonConfig.clear) have released the thread's
   * Config: an injected section would then be filled from whatever Config that thread's context
   * class loader has (none here: SRCFG00015), so they read the daemon's own.
   */
  @Test
  void beansMadeAfterTheStartReadTheDaemonsOwnConfigNotTheThreads() {
    WeldContainer daemon =
        start("late", Map.of("EXECUTOR_QUEUE_MAX", "9"), "executor.output.max = 3MiB");
    entered.close();

    var settings = daemon.select(org.weverywhere.exec.ExecutorParameters.class).get();
    assertEquals(9, settings.queueMax());
    assertEquals(ByteSize.ofMebibytes(3).bytes(), settings.outputMax());
    // made now, through its client proxy
    daemon.select(org.weverywhere.service.ServiceImports.class).get().toString();
  }

  @Test
  void aBadReloadIsNamedByFileAndLineAndLeavesTheSectionAsItWas() throws IOException {
    WeldContainer daemon = start("bad-reload", Map.of(), "host.quota.network.period-bytes = 1MiB");
    RunningConfig running = daemon.select(RunningConfig.class).get();
    Path dropIn =
        Files.createDirectories(running.directory().orElseThrow().resolve("weverywhere.d"))
            .resolve("50-bad.conf");
    Files.writeString(dropIn, "# too much\nhost.quota.network.period-bytes = lots\n");

    Message answer = reload(daemon);

    var error = assertInstanceOf(Message.ErrorReply.class, answer);
    assertEquals(
        "reload refused, nothing changed: "
            + dropIn
            + ":2: host.quota.network.period-bytes: expected a size like 512MiB, 1.5GiB, 10MB or"
            + " 4096, got 'lots'",
        error.message());
    assertEquals(
        ByteSize.ofMebibytes(1),
        running.section(HostQuotaProperties.class).quota().networkPeriodBytes());
  }

  @Test
  void aBadEnvironmentValueIsNamedByItsVariableBeforeAnythingIsInjected() {
    RuntimeException failure =
        assertThrows(
            RuntimeException.class, () -> start("bad-env", Map.of("HOST_QUOTA_CORES", "2.5")));
    assertEquals(
        "environment HOST_QUOTA_CORES: host.quota.cores: expected a whole number of cores like 2,"
            + " got '2.5' (cores are whole execution slots)",
        causeOf(failure).getMessage());
  }

  private static Message reload(WeldContainer daemon) {
    return daemon
        .select(ControlActions.class)
        .get()
        .perform(new Message.Control("reload", Map.of()), "test");
  }

  private static InvalidConfigException causeOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidConfigException invalid) {
        return invalid;
      }
    }
    throw new AssertionError("no InvalidConfigException in", failure);
  }
}
