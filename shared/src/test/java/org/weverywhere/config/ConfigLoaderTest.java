package org.weverywhere.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;
import org.weverywhere.trust.Privilege;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void dropInsAreReadInLexicalOrderAfterTheMainFileAndLaterWins() throws IOException {
    write("weverywhere.conf", "network.port = 1000\nhttp.port = 1001\nexecutor.engine = chicory\n");
    write("weverywhere.d/20-b.conf", "network.port = 2000\n");
    write("weverywhere.d/10-a.conf", "network.port = 3000\nhttp.port = 3001\n");
    write("weverywhere.d/README", "not = read\n");
    write("weverywhere.d/30-c.conf.disabled", "network.port = 9\n");

    Config config = ConfigLoader.filesOnly().load(dir);

    assertEquals(2000, config.network().port());
    assertEquals(3001, config.http().port());
    assertEquals(Engine.CHICORY, config.executor().engine());
    assertEquals(origin("weverywhere.d/20-b.conf", 1), entry(config, "network.port").origin());
    assertEquals(origin("weverywhere.d/10-a.conf", 2), entry(config, "http.port").origin());
    assertEquals(new Origin.Default(), entry(config, "protocol.clock-skew").origin());
    assertEquals(Duration.ofSeconds(30), config.protocol().clockSkew());
  }

  @Test
  void everyErrorInEveryFileIsReportedWithFileAndLine() throws IOException {
    write(
        "weverywhere.conf",
        "# fine\nnetwork.prot = 5\nhost.quota.memory = 12Q\n\njust words\n = 3\nhttp.port =\n");
    write(
        "weverywhere.d/10-a.conf",
        "executor.engine = v8\nexecutor.engine = chicory\ngroup.has.dot.x = 1\n");
    write(
        "weverywhere.d/20-b.conf",
        "group." + "g".repeat(65) + ".privileges = execute\ngroup.friends.quota.corse = 2\n");

    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.filesOnly().load(dir));

    assertEquals(
        List.of(
            file("weverywhere.conf")
                + ":2: unknown key 'network.prot' (did you mean 'network.port'?)",
            file("weverywhere.conf")
                + ":3: host.quota.memory: expected a size like 512MiB, 1.5GiB, 10MB or 4096, got '12Q'",
            file("weverywhere.conf")
                + ":5: expected 'key = value' or a '#' comment, got 'just words'",
            file("weverywhere.conf") + ":6: missing key before '='",
            file("weverywhere.conf")
                + ":7: missing value for 'http.port' (to use the default, comment the line out)",
            file("weverywhere.d/10-a.conf")
                + ":1: executor.engine: expected one of wasmtime, chicory, got 'v8'",
            file("weverywhere.d/10-a.conf") + ":2: 'executor.engine' is already set on line 1",
            file("weverywhere.d/10-a.conf") + ":3: unknown key 'group.has.dot.x'",
            file("weverywhere.d/20-b.conf")
                + ":1: '"
                + "g".repeat(60)
                + "...' is not a group name: 1 to 64 letters, digits, '-' or '_'",
            file("weverywhere.d/20-b.conf")
                + ":2: unknown key 'group.friends.quota.corse' (did you mean 'group.friends.quota.cores'?)"),
        failure.problems().stream().map(ConfigProblem::toString).toList());
    assertEquals(ErrorCode.CONFIG_UNKNOWN_KEY, failure.code());
    assertEquals(
        file("weverywhere.conf")
            + ":2: unknown key 'network.prot' (did you mean 'network.port'?) (and 9 more errors)",
        failure.getMessage());
    assertEquals(ErrorCode.GROUP_INVALID, failure.problems().get(8).code());
    assertEquals(ErrorCode.CONFIG_SYNTAX, failure.problems().get(2).code());
  }

  @Test
  void bytesThatAreNotUtf8AreAnErrorOnTheirLine() throws IOException {
    Files.write(
        dir.resolve("weverywhere.conf"),
        new byte[] {'#', '\n', 'a', '=', (byte) 0xC3, (byte) 0x28, '\n'});
    assertProblem(file("weverywhere.conf") + ":2: line is not valid UTF-8");
  }

  @Test
  void aLineOverTheLimitIsAnError() throws IOException {
    write(
        "weverywhere.conf",
        "node.name = a\n# " + "x".repeat(ConfigFileParser.MAX_LINE_BYTES) + "\n");
    assertProblem(file("weverywhere.conf") + ":2: line is longer than 8192 bytes");
  }

  @Test
  void aFileOverTheLimitIsAnErrorNotAnAllocation() throws IOException {
    byte[] huge = new byte[ConfigFileParser.MAX_FILE_BYTES + 4096];
    java.util.Arrays.fill(huge, (byte) '#');
    Files.write(dir.resolve("weverywhere.conf"), huge);
    assertProblem(file("weverywhere.conf") + ": file is larger than 1024 KiB");
  }

  @Test
  void anUnreadableFileIsAnError() throws IOException {
    Files.createDirectories(
        dir.resolve("weverywhere.conf")); // reading a directory fails even for root
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.filesOnly().load(dir));
    assertEquals(ErrorCode.IO_UNREADABLE, failure.problems().get(0).code());
    assertTrue(
        failure
            .problems()
            .get(0)
            .toString()
            .startsWith(file("weverywhere.conf") + ": cannot read: "),
        failure.getMessage());
  }

  @Test
  void aConfigDirThatIsAFileIsAnError() throws IOException {
    Path notADir = write("plain", "");
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.filesOnly().load(notADir));
    assertEquals(notADir + ": not a directory", failure.getMessage());
  }

  @Test
  void garbageStopsAfterAHundredErrors() throws IOException {
    write("weverywhere.conf", "nonsense\n".repeat(1000));
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.filesOnly().load(dir));
    assertEquals(Problems.MAX + 1, failure.problems().size());
    assertEquals(
        file("weverywhere.conf") + ":101: too many errors, stopped here",
        failure.problems().get(Problems.MAX).toString());
  }

  @Test
  void windowsLineEndsCommentsAndAByteOrderMarkAreAccepted() throws IOException {
    write(
        "weverywhere.conf",
        "\uFEFF# comment\r\n  network.ttl   =   4  \r\n\r\n\t# indented comment\n");
    assertEquals(4, ConfigLoader.filesOnly().load(dir).network().ttl());
  }

  @Test
  void aMissingDirectoryMeansTheEmbeddedSample() {
    Config config = ConfigLoader.filesOnly().load(dir.resolve("absent"));
    assertEquals("embedded sample", config.location());
    assertEquals(22341, config.network().port());
  }

  @Test
  void anEmptyDirectoryGivesTheDefaults() {
    Config config = ConfigLoader.filesOnly().load(dir);
    assertEquals(new InterfaceSelection.Loopback(), config.network().interfaces());
    assertEquals("239.255.87.69", config.network().ipv4Group().getHostAddress());
    assertEquals(Optional.empty(), config.node().name());
    assertEquals(
        config.entries().size(),
        config.entries().stream().filter(e -> e.origin() instanceof Origin.Default).count());
  }

  @Test
  void groupsGetTheirOwnSettingsAnonymousItsConservativeDefaults() throws IOException {
    write(
        "weverywhere.d/10-quotas.conf",
        "group.team.privileges = observe, fetch, execute, publish\ngroup.team.quota.memory = 512MiB\ngroup.anonymous.quota.cores = 2\n");
    Config config = ConfigLoader.filesOnly().load(dir);

    GroupSettings team = config.group("team");
    assertEquals(
        EnumSet.of(Privilege.OBSERVE, Privilege.FETCH, Privilege.EXECUTE, Privilege.PUBLISH),
        team.privileges());
    assertEquals(Optional.of(ByteSize.ofMebibytes(512)), team.quota().memory());
    assertEquals(Optional.empty(), team.quota().cores());

    GroupSettings anonymous = config.group("anonymous");
    assertEquals(EnumSet.of(Privilege.EXECUTE), anonymous.privileges());
    assertEquals(Optional.of(new Cores(2)), anonymous.quota().cores());
    assertEquals(Optional.of(ByteSize.ofMebibytes(16)), anonymous.quota().memoryPerExecution());

    GroupSettings unnamed = config.group("never-configured");
    assertEquals(
        EnumSet.of(Privilege.OBSERVE, Privilege.FETCH, Privilege.EXECUTE), unnamed.privileges());
    assertEquals(List.of("anonymous", "team"), List.copyOf(config.groups()));
    assertEquals(
        origin("weverywhere.d/10-quotas.conf", 2),
        entry(config, "group.team.quota.memory").origin());
  }

  @Test
  void servicesAreDeclaredByNameWithDefaultsForWhatIsLeftOut() throws IOException {
    write(
        "weverywhere.d/20-services.conf",
        "services.kv.library = kv@1.0.0\nservices.kv.instances = 2\nservices.kv.exports = put, get, count\n"
            + "services.kv.callers = team\nservices.math.library = math\nservices.math.cpu-time = 50ms\n");
    Config config = ConfigLoader.filesOnly().load(dir);

    assertEquals(List.of("kv", "math"), List.copyOf(config.services()));
    ServiceSettings kv = config.service("kv");
    assertEquals(
        new ServiceSettings(
            "kv",
            Optional.of("kv@1.0.0"),
            "anonymous",
            Optional.empty(),
            Optional.empty(),
            2,
            Optional.of(List.of("put", "get", "count")),
            Optional.of(List.of("team")),
            List.of(),
            "kv"),
        kv);
    assertEquals(Optional.of(Duration.ofMillis(50)), config.service("math").cpuTime());
    assertEquals(1, config.service("math").instances());
    assertEquals(
        origin("weverywhere.d/20-services.conf", 2),
        entry(config, "services.kv.instances").origin());
  }

  @Test
  void aBadServiceNameOrKeyIsAnErrorOnItsLine() throws IOException {
    write(
        "weverywhere.conf",
        "services."
            + "s".repeat(65)
            + ".library = kv\nservices.kv.instanses = 2\nservices.kv.instances = 0\n"
            + "services.kv.library = \u00e9\n");
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.filesOnly().load(dir));
    assertEquals(
        List.of(
            file("weverywhere.conf")
                + ":1: '"
                + "s".repeat(60)
                + "...' is not a service name: 1 to 64 letters, digits, '-' or '_'",
            file("weverywhere.conf")
                + ":2: unknown key 'services.kv.instanses' (did you mean 'services.kv.instances'?)",
            file("weverywhere.conf")
                + ":3: services.kv.instances: expected a whole number like 64 (1 to 1073741824), got 0",
            file("weverywhere.conf")
                + ":4: services.kv.library: expected a library name, name@version or hash, got '\u00e9'"),
        failure.problems().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void environmentVariablesOverrideTheFilesTheMicroProfileWay() throws IOException {
    write(
        "weverywhere.conf", "network.port = 1000\nhttp.port = 1001\ngroup.team.quota.cores = 1\n");
    Config config =
        ConfigLoader.withEnvironment(
                Map.of(
                    "NETWORK_PORT",
                    "2000",
                    "protocol_clock_skew",
                    "1m",
                    "GROUP_TEAM_QUOTA_CORES",
                    "3",
                    "UNRELATED",
                    "x"))
            .load(dir);

    assertEquals(2000, config.network().port());
    assertEquals(new Origin.Environment("NETWORK_PORT"), entry(config, "network.port").origin());
    assertEquals(Duration.ofMinutes(1), config.protocol().clockSkew());
    assertEquals(Optional.of(new Cores(3)), config.group("team").quota().cores());
    assertEquals(1001, config.http().port());
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() {
    InvalidConfigException failure =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.withEnvironment(Map.of("HTTP_PORT", "http")).load(dir));
    assertEquals(
        "environment HTTP_PORT: http.port: expected a TCP/UDP port like 22341, got 'http'",
        failure.getMessage());
  }

  @Test
  void theDirectoryComesFromTheOptionThenTheEnvironmentThenTheDefault() {
    assertEquals(
        Path.of("/opt/x"),
        ConfigLoader.locate(Path.of("/opt/x"), Map.of(ConfigLoader.CONFIG_DIR_VARIABLE, "/y")));
    assertEquals(
        Path.of("/y"), ConfigLoader.locate(null, Map.of(ConfigLoader.CONFIG_DIR_VARIABLE, "/y")));
    assertEquals(Path.of("/etc/weverywhere"), ConfigLoader.locate(null, Map.of()));
  }

  private void assertProblem(String expected) {
    InvalidConfigException failure =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.filesOnly().load(dir));
    assertEquals(
        List.of(expected), failure.problems().stream().map(ConfigProblem::toString).toList());
  }

  private static ConfigEntry entry(Config config, String key) {
    return config.entries().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
  }

  private Origin origin(String relative, int line) {
    return new Origin.InFile(file(relative), line);
  }

  private String file(String relative) {
    return dir.resolve(relative).toString();
  }

  private Path write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
