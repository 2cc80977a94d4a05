package org.weverywhere.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration as the server's beans see it: through a real SmallRye Config. */
class WeverywhereConfigSourceTest {
  @TempDir Path dir;

  private Config files(String content) throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), content);
    return ConfigLoader.filesOnly().load(dir);
  }

  @Test
  void valuesConvertToTheirUnitTypesThroughTheRegisteredConverters() throws IOException {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(
                new WeverywhereConfigSource(
                    files("host.quota.memory = 1.5GiB\nhost.quota.network.rate = 2MiB/s\n")))
            .addDiscoveredConverters()
            .build();

    assertEquals(ByteSize.ofMebibytes(1536), config.getValue("host.quota.memory", ByteSize.class));
    assertEquals(
        new Rate(ByteSize.ofMebibytes(2)), config.getValue("host.quota.network.rate", Rate.class));
    assertEquals(Duration.ofSeconds(30), config.getValue("protocol.clock-skew", Duration.class));
    assertEquals(Duration.ofDays(1), config.getValue("host.quota.network.period", Duration.class));
    assertEquals(22341, config.getValue("network.port", Integer.class));
    assertEquals("chicory", config.getValue("executor.engine", String.class));
    assertFalse(
        config.getOptionalValue("node.name", String.class).isPresent(),
        "unset keys are absent, not empty");
  }

  @Test
  void environmentAndSystemPropertiesOverrideTheFiles() throws IOException {
    Config files = files("network.port = 1000\nhttp.port = 1001\nprotocol.clock-skew = 10s\n");
    String property = "http.port";
    System.setProperty(property, "3000");
    try {
      SmallRyeConfig config =
          new SmallRyeConfigBuilder()
              .withSources(new WeverywhereConfigSource(files))
              .withSources(
                  new EnvConfigSource(
                      Map.of("NETWORK_PORT", "2000", "PROTOCOL_CLOCK_SKEW", "1m"), 300))
              .addSystemSources()
              .addDiscoveredConverters()
              .build();

      assertEquals(2000, config.getValue("network.port", Integer.class));
      assertEquals(3000, config.getValue("http.port", Integer.class));
      assertEquals(Duration.ofMinutes(1), config.getValue("protocol.clock-skew", Duration.class));
    } finally {
      System.clearProperty(property);
    }
  }

  @Test
  void theDiscoveredSourceReadsTheDirectoryNamedBySystemProperty() throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), "executor.queue.max = 7\n");
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, dir.toString());
    try {
      SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredSources().build();
      assertEquals(7, config.getValue("executor.queue.max", Integer.class));
      assertTrue(config.getConfigSource("weverywhere configuration (" + dir + ")").isPresent());
    } finally {
      System.clearProperty(ConfigLoader.CONFIG_DIR_PROPERTY);
    }
  }

  @Test
  void aBadValueFromAnotherSourceFailsWithTheUnitMessage() throws IOException {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(new WeverywhereConfigSource(files("")))
            .withSources(new EnvConfigSource(Map.of("HOST_QUOTA_MEMORY", "lots"), 300))
            .addDiscoveredConverters()
            .build();
    IllegalArgumentException failure =
        assertThrows(
            IllegalArgumentException.class,
            () -> config.getValue("host.quota.memory", ByteSize.class));
    // SmallRye wraps it with the key and its own code; our message must come through whole
    assertTrue(
        failure
            .getMessage()
            .endsWith(
                "host.quota.memory with the config value \"lots\" threw an Exception whilst being"
                    + " converted expected a size like 512MiB, 1.5GiB, 10MB or 4096, got 'lots'"),
        failure.getMessage());
  }

  @Test
  void theDurationConverterStillAcceptsIso8601() {
    assertEquals(Duration.ofSeconds(90), new DurationConverter().convert("PT90S"));
    assertEquals(Duration.ofMillis(250), new DurationConverter().convert("250ms"));
    assertEquals(
        "'PXYZ' is not an ISO-8601 duration like PT30S",
        assertThrows(IllegalArgumentException.class, () -> new DurationConverter().convert("PXYZ"))
            .getMessage());
    assertEquals(
        "expected a duration like 500ms, 30s, 5m, 1h or 7d, got '5 minutes'",
        assertThrows(
                IllegalArgumentException.class, () -> new DurationConverter().convert("5 minutes"))
            .getMessage());
  }

  @Test
  void theCoresConverterRefusesWhatTheFilesRefuse() {
    assertEquals(new Cores(8), new CoresConverter().convert(" 8 "));
    for (String hostile : List.of("2.5", "0", "-1", "4097", "99999999999", "8 cores", "\u0000")) {
      var refused =
          assertThrows(IllegalArgumentException.class, () -> new CoresConverter().convert(hostile));
      assertInstanceOf(InvalidValueException.class, refused.getCause(), hostile);
    }
    assertEquals(
        "expected a whole number of cores like 2, got '2.5' (cores are whole execution slots)",
        assertThrows(IllegalArgumentException.class, () -> new CoresConverter().convert("2.5"))
            .getMessage());
  }

  @Test
  void theEngineConverterTakesTheConfigurationsNames() {
    assertEquals(Engine.CHICORY, new EngineConverter().convert("chicory"));
    assertEquals(Engine.WASMTIME, new EngineConverter().convert(" wasmtime "));
    for (String hostile :
        List.of("CHICORY_", "v8", "chicory;wasmtime", "\u0000", "x".repeat(10_000))) {
      var refused =
          assertThrows(
              IllegalArgumentException.class, () -> new EngineConverter().convert(hostile));
      assertInstanceOf(InvalidValueException.class, refused.getCause(), hostile);
    }
  }

  @Test
  void thePathConverterTakesAbsolutePathsOnly() {
    assertEquals(Path.of("/var/lib/we"), new PathConverter().convert("/var/lib/x/../we"));
    for (String hostile : List.of("relative/dir", "../etc", "~/x", "/tmp/a\u0000b")) {
      var refused =
          assertThrows(IllegalArgumentException.class, () -> new PathConverter().convert(hostile));
      assertInstanceOf(InvalidValueException.class, refused.getCause(), hostile);
    }
    // MicroProfile's contract for an empty value: absent, not an error
    assertNull(new PathConverter().convert("  "));
  }

  @Test
  void multicastGroupsConvertThroughTheRegisteredConverter() throws IOException {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(new WeverywhereConfigSource(files("network.ipv4.group = 239.1.2.3\n")))
            .addDiscoveredConverters()
            .build();
    assertEquals(
        InetAddress.getByName("239.1.2.3"),
        config.getValue("network.ipv4.group", InetAddress.class));
    // the default, as the registry writes it
    assertEquals(
        InetAddress.getByName("ff02::5745"),
        config.getValue("network.ipv6.group", InetAddress.class));
    assertNull(new MulticastGroupConverter().convert(" "));
  }

  @Test
  void theMulticastConverterRefusesWhatTheFilesRefuseWithoutResolvingNames() {
    // a host name would be a DNS lookup at injection: refused as text, like a unicast address
    for (String hostile :
        List.of(
            "localhost",
            "example.com",
            "10.0.0.1",
            "::1",
            "fe80::1",
            "239.1.2",
            "239.1.2.300",
            "ff02::1%eth0x",
            "\u0000",
            "x".repeat(10_000))) {
      var refused =
          assertThrows(
              IllegalArgumentException.class, () -> new MulticastGroupConverter().convert(hostile));
      assertInstanceOf(InvalidValueException.class, refused.getCause(), hostile);
    }
    assertEquals(
        "'10.0.0.1' is not an IPv4 multicast address (224.0.0.0/4)",
        assertThrows(
                IllegalArgumentException.class,
                () -> new MulticastGroupConverter().convert("10.0.0.1"))
            .getMessage());
  }

  @Test
  void itsOrdinalIsBelowEnvironmentAndSystemProperties() throws IOException {
    int ordinal = new WeverywhereConfigSource(files("")).getOrdinal();
    assertTrue(ordinal > 100 && ordinal < 300, "ordinal " + ordinal);
  }

  @Test
  void theTypedConfigurationTakesWhatOutranksTheFilesFromMicroProfileConfig() throws IOException {
    Files.writeString(
        dir.resolve("weverywhere.conf"), "network.port = 1000\nhttp.port = 1001\nnode.name = a\n");
    WeverywhereConfigSource files = new WeverywhereConfigSource(dir);
    String property = "http.port";
    System.setProperty(property, "3000");
    try {
      SmallRyeConfig mp =
          new SmallRyeConfigBuilder()
              .withSources(files)
              .withSources(new EnvConfigSource(Map.of("NETWORK_PORT", "2000"), 300))
              .addSystemSources()
              .addDiscoveredConverters()
              .build();
      Config config = ConfigLoader.outrankedBy(mp).load(dir);

      assertEquals(2000, config.network().port());
      assertEquals(3000, config.http().port());
      assertEquals("a", config.value(ConfigKeys.NODE_NAME));
      assertEquals(new Origin.Environment("NETWORK_PORT"), origin(config, "network.port"));
      assertEquals(new Origin.SystemProperty(property), origin(config, property));
      assertEquals(
          new Origin.InFile(dir.resolve("weverywhere.conf").toString(), 3),
          origin(config, "node.name"));

      // a reload replaces what the source holds; lookups after it see the new file values
      Files.writeString(dir.resolve("weverywhere.conf"), "node.name = b\nhttp.port = 1\n");
      files.replace(ConfigLoader.outrankedBy(mp).load(dir));
      assertEquals("b", mp.getValue("node.name", String.class));
      assertEquals(3000, mp.getValue(property, Integer.class));
      assertEquals(null, files.getValue(property), "an overridden key is left to its source");
    } finally {
      System.clearProperty(property);
    }
  }

  @Test
  void keysOfTheGroupsAndServicesTheFilesNameAreOutrankedToo() throws IOException {
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        "group.friends.privileges = execute\n"
            + "services.kv.library = kv\n"
            + "services.kv.memory = 8MiB\n");
    SmallRyeConfig mp =
        new SmallRyeConfigBuilder()
            .withSources(new WeverywhereConfigSource(dir))
            .withSources(
                new EnvConfigSource(
                    Map.of(
                        "GROUP_FRIENDS_PRIVILEGES", "execute, fetch",
                        "SERVICES_KV_MEMORY", "16MiB",
                        // a service the files do not name is not made up by the environment
                        "SERVICES_GHOST_LIBRARY", "kv"),
                    300))
            .build();
    Config config = ConfigLoader.outrankedBy(mp).load(dir);

    assertEquals(
        new Origin.Environment("GROUP_FRIENDS_PRIVILEGES"),
        origin(config, "group.friends.privileges"));
    assertEquals(Optional.of(ByteSize.ofMebibytes(16)), config.service("kv").memory());
    assertEquals(
        new Origin.Environment("SERVICES_KV_MEMORY"), origin(config, "services.kv.memory"));
    assertEquals(Optional.of("kv"), config.service("kv").library(), "from the file");
    assertEquals(java.util.Set.of("kv"), config.services());
  }

  @Test
  void aBadServiceOverrideNamesItsVariable() throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), "services.kv.library = kv\n");
    SmallRyeConfig mp =
        new SmallRyeConfigBuilder()
            .withSources(new WeverywhereConfigSource(dir))
            .withSources(new EnvConfigSource(Map.of("SERVICES_KV_INSTANCES", "many"), 300))
            .build();
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.outrankedBy(mp).load(dir));
    assertTrue(
        failure
            .getMessage()
            .startsWith("environment SERVICES_KV_INSTANCES: services.kv.instances:"),
        failure.getMessage());
  }

  @Test
  void aBadOverrideNamesItsVariable() throws IOException {
    Files.writeString(dir.resolve("weverywhere.conf"), "http.port = 1001\n");
    SmallRyeConfig mp =
        new SmallRyeConfigBuilder()
            .withSources(new WeverywhereConfigSource(dir))
            .withSources(new EnvConfigSource(Map.of("HTTP_PORT", "http"), 300))
            .build();
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.outrankedBy(mp).load(dir));
    assertEquals(
        "environment HTTP_PORT: http.port: expected a TCP/UDP port like 22341, got 'http'",
        failure.getMessage());
  }

  private static Origin origin(Config config, String key) {
    return config.entries().stream()
        .filter(e -> e.key().equals(key))
        .findFirst()
        .orElseThrow()
        .origin();
  }
}
