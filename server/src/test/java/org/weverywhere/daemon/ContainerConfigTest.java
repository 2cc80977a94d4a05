package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigEntry;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.InvalidConfigException;
import org.weverywhere.config.Origin;
import org.weverywhere.control.ControlActions;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.protocol.Message;

/**
 * MicroProfile Config is how the daemon's beans receive configuration, and each daemon in a JVM has
 * its own: two daemons side by side keep their ports and keys, a system property outranks the files
 * as MicroProfile Config defines it (and names itself when it is wrong), a bad file value is named
 * by file and line, and a reload reaches MicroProfile Config lookups. No test here sets {@code
 * weverywhere.config.dir}.
 */
class ContainerConfigTest {
  private static final String NODE_NAME = "node.name";
  private final List<AutoCloseable> opened = new java.util.ArrayList<>();

  @AfterEach
  void close() throws Exception {
    System.clearProperty(NODE_NAME);
    System.clearProperty("network.port");
    for (AutoCloseable each : opened.reversed()) {
      each.close();
    }
    TestDaemonConfig.clear();
  }

  private record Started(TestDaemonConfig test, ContainerConfig config, WeldContainer container) {
    <T> T bean(Class<T> type) {
      return container.select(type).get();
    }
  }

  /** A daemon of its own configuration; its container and configuration close after the test. */
  private Started start(String name, String... lines) {
    return startIn(prepare(name, lines));
  }

  /** A test daemon's directory, without the Config TestDaemonConfig enters: these tests do. */
  private static TestDaemonConfig prepare(String name, String... lines) {
    var test = TestDaemonConfig.prepare(name, List.of(), lines);
    TestDaemonConfig.clear();
    return test;
  }

  private Started startIn(TestDaemonConfig test) {
    return startIn(test, ContainerConfig.enter(test.dir()));
  }

  private Started startIn(TestDaemonConfig test, ContainerConfig config) {
    opened.add(config);
    WeldContainer container = DaemonParts.weld("config-" + test.udpPort()).initialize();
    opened.add(container);
    // the next daemon's thread state is its own: this one's container has taken its Config
    config.close();
    return new Started(test, config, container);
  }

  private static ConfigEntry entry(Config config, String key) {
    return config.entries().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
  }

  @Test
  void twoDaemonsInOneJvmKeepTheirOwnPortsAndKeys() throws IOException {
    Started a = start("first", "events.journal.retention = 2d");
    Started b = start("second", "events.journal.retention = 5d");

    Config first = a.bean(Daemon.class).config();
    Config second = b.bean(Daemon.class).config();
    assertEquals(a.test().dir().toString(), first.location());
    assertEquals(b.test().dir().toString(), second.location());
    assertEquals(a.test().udpPort(), first.network().port());
    assertEquals(b.test().udpPort(), second.network().port());
    assertNotEquals(first.network().port(), second.network().port());
    assertEquals(a.test().httpPort(), a.config().config().getValue("http.port", Integer.class));
    assertEquals(b.test().httpPort(), b.config().config().getValue("http.port", Integer.class));
    assertEquals(
        Duration.ofDays(2),
        a.config().config().getValue("events.journal.retention", Duration.class));
    assertEquals(
        Duration.ofDays(5),
        b.config().config().getValue("events.journal.retention", Duration.class));
    // each daemon has its own host key and journal, under its own state directory
    assertNotEquals(
        a.bean(Daemon.class).identity().nodeId(), b.bean(Daemon.class).identity().nodeId());
    assertTrue(Files.isDirectory(a.test().dir().resolve("state/events")));
    assertTrue(Files.isDirectory(b.test().dir().resolve("state/events")));
  }

  @Test
  void aSystemPropertyOutranksTheFilesAndSurvivesAReload() throws IOException {
    Started plain = start("plain");
    System.setProperty(NODE_NAME, "from-property");
    Started overridden = start("in-file");

    Config config = overridden.bean(Daemon.class).config();
    assertEquals("from-property", config.value(ConfigKeys.NODE_NAME));
    assertEquals(new Origin.SystemProperty(NODE_NAME), entry(config, NODE_NAME).origin());

    Files.writeString(
        Files.createDirectories(overridden.test().dir().resolve("weverywhere.d"))
            .resolve("50-reload.conf"),
        "node.name = renamed\nexecutor.queue.max = 7\n");
    Message answer =
        overridden
            .bean(ControlActions.class)
            .perform(new Message.Control("reload", Map.of()), "test");
    assertInstanceOf(Message.Report.class, answer, answer.toString());
    Config reloaded = overridden.bean(RunningConfig.class).current();
    assertEquals(7, reloaded.executor().queueMax());
    assertEquals("from-property", reloaded.value(ConfigKeys.NODE_NAME));
    // MicroProfile lookups after the reload see the files' new values through the same source
    assertEquals(7, overridden.config().config().getValue("executor.queue.max", Integer.class));
    assertEquals("from-property", overridden.config().config().getValue(NODE_NAME, String.class));
    // the daemon started before the property was set read its own file
    assertEquals("plain", plain.bean(Daemon.class).config().value(ConfigKeys.NODE_NAME));
  }

  @Test
  void aBadSystemPropertyIsNamedByItsProperty() {
    var test = prepare("bad-property");
    System.setProperty("network.port", "nope");
    RuntimeException failure = assertThrows(RuntimeException.class, () -> startIn(test));
    InvalidConfigException cause = causeOf(failure);
    assertEquals(
        "system property network.port: network.port: expected a TCP/UDP port like 22341, got 'nope'",
        cause.getMessage());
  }

  @Test
  void aBadFileValueIsNamedByFileAndLine() throws IOException {
    var test = prepare("bad-file");
    Path dropIn = Files.createDirectories(test.dir().resolve("weverywhere.d")).resolve("50-x.conf");
    Files.writeString(dropIn, "# a comment\nevents.journal.retention = forever\n");
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ContainerConfig.enter(test.dir()));
    assertEquals(
        dropIn
            + ":2: events.journal.retention: expected a duration like 500ms, 30s, 5m, 1h or 7d,"
            + " got 'forever'",
        failure.getMessage());
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
