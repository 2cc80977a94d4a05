package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smallrye.config.EnvConfigSource;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
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
import org.weverywhere.config.InterfaceSelection;
import org.weverywhere.config.InvalidConfigException;
import org.weverywhere.config.Origin;
import org.weverywhere.control.ControlActions;
import org.weverywhere.control.ControlEndpoint;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.properties.ControlProperties;
import org.weverywhere.host.properties.HostQuotaProperties;
import org.weverywhere.host.properties.IdempotencyProperties;
import org.weverywhere.host.properties.LibrariesProperties;
import org.weverywhere.host.properties.NetworkProperties;
import org.weverywhere.host.properties.PeersProperties;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.Daemons;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.store.Library;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Ed25519;

/**
 * Beans receive their configuration sections as MicroProfile {@code @ConfigProperties} mappings
 * under Weld SE (SmallRye Config, as in Liberty's mpConfig feature): a file's value, outranked by
 * the environment and by a system property as MicroProfile Config defines it; a live section
 * reaches its bean again after a reload while an injected mapping keeps its start values; a bad
 * value stops the daemon with its file and line, or its variable, before anything is injected.
 */
class ConfigSectionsTest {
  private static final String MAX_BYTES = "protocol.idempotency.max-bytes";
  private static final String NODE_NAME = "node.name";
  private static final String CONTROL_GROUP = "control.group";
  private final List<AutoCloseable> opened = new ArrayList<>();
  private ContainerConfig entered;

  @AfterEach
  void close() throws Exception {
    System.clearProperty(MAX_BYTES);
    System.clearProperty(NODE_NAME);
    System.clearProperty(CONTROL_GROUP);
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

  @Test
  void networkAndNodeReachTheUdpEndpointOutrankedByTheEnvironmentThenASystemProperty()
      throws IOException {
    int port = freeUdpPort();
    System.setProperty(NODE_NAME, "from-property");
    WeldContainer daemon =
        start(
            "network",
            Map.of(
                "NETWORK_PORT", String.valueOf(port),
                "NETWORK_DESCRIBE_RATE", "7",
                "NODE_NAME", "from-environment"),
            "network.ipv4.group = 239.255.1.2",
            "network.announce.interval = 90s",
            "network.describe-rate = 5",
            "peers.static = 127.0.0.1:9, [::1]:9");

    // the endpoint listens on the environment's port and announces the property's name
    Announcement answer = probe(port);
    assertEquals("from-property", answer.announce().name());

    var network =
        section(daemon, NetworkProperties.class).settings(section(daemon, PeersProperties.class));
    assertEquals(InetAddress.getByName("239.255.1.2"), network.ipv4Group()); // the file's
    assertEquals(Duration.ofSeconds(90), network.announceInterval());
    assertEquals(new InterfaceSelection.Loopback(), network.interfaces()); // the default
    assertEquals(
        List.of(PeerAddress.parse("127.0.0.1:9"), PeerAddress.parse("[::1]:9")),
        network.staticPeers());
    assertEquals(port, network.port());
    assertEquals(7, section(daemon, NetworkProperties.class).describeRate());
    // one parser: the typed configuration reads every value the same
    assertEquals(daemon.select(RunningConfig.class).get().current().network(), network);
  }

  @Test
  void aDropInWrittenAfterTheSourceReadTheFilesReachesTheSectionsAsTheTypedView()
      throws IOException {
    // as the explorer's tests start daemons on a shared port: the daemon's MicroProfile Config is
    // made (and reads the files) first, the drop-in is written before the container starts
    var test = TestDaemonConfig.prepare("late-drop-in", List.of());
    TestDaemonConfig.clear();
    ContainerConfig config = ContainerConfig.enter(test.dir());
    opened.add(config);
    entered = config;
    int shared;
    try (var udp = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      shared = udp.getLocalPort();
    }
    Files.writeString(
        Files.createDirectories(test.dir().resolve("weverywhere.d")).resolve("50-late.conf"),
        "network.port = " + shared + "\nnode.name = late\n");
    WeldContainer daemon = DaemonParts.weld("sections-late-" + shared).initialize();
    opened.add(daemon);

    assertEquals(
        shared,
        section(daemon, NetworkProperties.class)
            .settings(section(daemon, PeersProperties.class))
            .port());
    assertEquals(
        "late", probe(shared).announce().name(), "the endpoint answers on the drop-in's port");
  }

  @Test
  void theControlGroupFromTheFileOwnsTheSocket() throws IOException {
    assumeTrue(isRoot(), "the socket's group can be any group only for root");
    WeldContainer daemon = start("control-file", Map.of(), "control.group = daemon");
    assertEquals("daemon", socketGroup(daemon));
  }

  @Test
  void theControlGroupOfASystemPropertyOutranksTheEnvironmentAndTheFile() throws IOException {
    assumeTrue(isRoot(), "the socket's group can be any group only for root");
    System.setProperty(CONTROL_GROUP, "adm");
    WeldContainer daemon =
        start("control-override", Map.of("CONTROL_GROUP", "bin"), "control.group = daemon");
    assertEquals("adm", socketGroup(daemon));
    assertEquals(java.util.Optional.of("adm"), section(daemon, ControlProperties.class).group());
  }

  @Test
  void theBuiltInLibrariesFollowTheFileLive() throws IOException {
    WeldContainer daemon =
        start(
            "libraries",
            Map.of(),
            "libraries.builtin = true",
            "libraries.builtin.disabled = sysinfo, probe-load");
    LibraryStore store = daemon.select(LibraryStore.class).get();
    assertEquals(List.of("probe-disk", "probe-memory"), builtinNames(store));

    Path dir = daemon.select(RunningConfig.class).get().directory().orElseThrow();
    Files.writeString(
        Files.createDirectories(dir.resolve("weverywhere.d")).resolve("50-more.conf"),
        "libraries.builtin.disabled = probe-disk\n");
    reload(daemon);

    assertEquals(List.of("probe-load", "probe-memory", "sysinfo"), builtinNames(store));
    // the injected mapping keeps what the store was opened with
    assertEquals(
        List.of("sysinfo", "probe-load"),
        section(daemon, LibrariesProperties.class).builtinDisabled());
  }

  @Test
  void theEnvironmentTurnsTheBuiltInLibrariesOffOverTheFile() {
    WeldContainer daemon =
        start(
            "libraries-env",
            Map.of("LIBRARIES_BUILTIN", "false", "LIBRARIES_MAX_MODULE_SIZE", "1MiB"),
            "libraries.builtin = true",
            "libraries.max-module-size = 2MiB");
    assertEquals(List.of(), builtinNames(daemon.select(LibraryStore.class).get()));
    assertEquals(
        ByteSize.ofMebibytes(1), section(daemon, LibrariesProperties.class).maxModuleSize());
  }

  @Test
  void badNetworkAndLibrariesValuesInAFileAreNamedByTheirFileAndLine() throws IOException {
    WeldContainer daemon = start("bad-file", Map.of());
    Path dropIn =
        Files.createDirectories(
                daemon
                    .select(RunningConfig.class)
                    .get()
                    .directory()
                    .orElseThrow()
                    .resolve("weverywhere.d"))
            .resolve("50-bad.conf");

    Files.writeString(dropIn, "# a v6 group\nnetwork.ipv4.group = ff02::1\n");
    assertEquals(
        "reload refused, nothing changed: "
            + dropIn
            + ":2: network.ipv4.group: expected an IPv4 address like 239.255.87.69, got 'ff02::1'",
        assertInstanceOf(Message.ErrorReply.class, reload(daemon)).message());

    Files.writeString(dropIn, "libraries.max-module-size = huge\n");
    assertEquals(
        "reload refused, nothing changed: "
            + dropIn
            + ":1: libraries.max-module-size: expected a size like 512MiB, 1.5GiB, 10MB or 4096,"
            + " got 'huge'",
        assertInstanceOf(Message.ErrorReply.class, reload(daemon)).message());
    // the sections read again are the ones in force
    assertEquals(
        InetAddress.getByName("239.255.87.69"),
        daemon
            .select(RunningConfig.class)
            .get()
            .section(NetworkProperties.class)
            .settings(section(daemon, PeersProperties.class))
            .ipv4Group());
  }

  @Test
  void badNetworkAndControlValuesOfOtherSourcesAreNamedByThem() {
    RuntimeException interfaces =
        assertThrows(
            RuntimeException.class,
            () -> start("bad-interfaces", Map.of("NETWORK_INTERFACES", "all, eth0")));
    assertEquals(
        "environment NETWORK_INTERFACES: network.interfaces: 'all' stands alone: write loopback,"
            + " all, or a list of interface names",
        causeOf(interfaces).getMessage());

    System.setProperty(CONTROL_GROUP, "Not A Group");
    RuntimeException group =
        assertThrows(RuntimeException.class, () -> start("bad-control", Map.of()));
    assertTrue(
        causeOf(group).getMessage().startsWith("system property control.group: control.group: "),
        causeOf(group).getMessage());
  }

  private static int freeUdpPort() throws IOException {
    try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Announcement probe(int port) {
    var signer = new MessageSigner(Ed25519.generate());
    return new Daemons(
            () -> signer,
            Verifier.of(Clock.systemUTC(), java.util.Optional.empty(), 100),
            Clock.systemUTC(),
            () -> {
              throw new IllegalStateException("no discovery here");
            },
            new Daemons.Waits(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(3)),
            note -> {})
        .probe(PeerAddress.parse("127.0.0.1:" + port), port, Duration.ofSeconds(3));
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String socketGroup(WeldContainer daemon) throws IOException {
    Path socket = daemon.select(ControlEndpoint.class).get().path();
    return Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .group()
        .getName();
  }

  private static List<String> builtinNames(LibraryStore store) {
    return store.builtins().stream().map(Library::name).sorted().toList();
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
