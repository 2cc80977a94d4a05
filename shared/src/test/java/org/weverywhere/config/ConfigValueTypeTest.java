package org.weverywhere.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.weverywhere.ErrorCode;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.trust.Privilege;

class ConfigValueTypeTest {

  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "0, 0",
    "512MiB, 536870912",
    "1.5GiB, 1610612736",
    "10MB, 10000000",
    "10 MB, 10000000",
    "1kB, 1000",
    "1KiB, 1024",
    "2B, 2",
    "0.5KiB, 512",
    "1.25kB, 1250",
    "7EiB, 8070450532247928832",
    "9223372036854775807, 9223372036854775807"
  })
  void sizesParseExactly(String text, long bytes) {
    assertEquals(bytes, ByteSize.parse(text).bytes());
  }

  @ParameterizedTest
  @CsvSource({"1536MiB, 1610612736", "10MB, 10000000", "1001, 1001", "0, 0", "1GiB, 1073741824"})
  void sizesFormatToTheShortestExactUnit(String text, long bytes) {
    assertEquals(text, ByteSize.ofBytes(bytes).toString());
    assertEquals(bytes, ByteSize.parse(ByteSize.ofBytes(bytes).toString()).bytes());
  }

  @Test
  void badSizesSayWhatWasExpected() {
    assertMessage(
        "expected a size like 512MiB, 1.5GiB, 10MB or 4096, got '12Q'",
        () -> ByteSize.parse("12Q"));
    assertMessage(
        "expected a size like 512MiB, 1.5GiB, 10MB or 4096, got '-1'", () -> ByteSize.parse("-1"));
    assertMessage(
        "expected a size like 512MiB, 1.5GiB, 10MB or 4096, got ''", () -> ByteSize.parse(""));
    assertMessage(
        "unit 'KB' in '10KB' is ambiguous: write KiB (powers of 1024) or kB (powers of 1000)",
        () -> ByteSize.parse("10KB"));
    assertMessage(
        "unit 'M' in '5M' is ambiguous: write MiB (powers of 1024) or MB (powers of 1000)",
        () -> ByteSize.parse("5M"));
    assertMessage("'1.5B' is not a whole number of bytes (1.5)", () -> ByteSize.parse("1.5B"));
    assertMessage(
        "'8EiB' is too large: a size is at most 9223372036854775807 bytes",
        () -> ByteSize.parse("8EiB"));
    assertMessage(
        "'9223372036854775808' is too large: a size is at most 9223372036854775807 bytes",
        () -> ByteSize.parse("9223372036854775808"));
    assertThrows(InvalidValueException.class, () -> ByteSize.parse("1.GiB"));
    assertThrows(InvalidValueException.class, () -> ByteSize.parse("1e3"));
    assertThrows(InvalidValueException.class, () -> ByteSize.parse("0x10"));
  }

  @Test
  void ratesAreSizesPerSecond() {
    assertEquals(10L << 20, Rate.parse("10MiB/s").bytesPerSecond());
    assertEquals(500_000, Rate.parse("500kB/s").bytesPerSecond());
    assertEquals("256KiB/s", Rate.parse("262144/s").toString());
    assertMessage(
        "expected a rate like 10MiB/s or 500kB/s, got '10MiB'", () -> Rate.parse("10MiB"));
    assertMessage(
        "expected a rate like 10MiB/s or 500kB/s, got '10Q/s': expected a size like 512MiB, 1.5GiB, 10MB or 4096, got '10Q'",
        () -> Rate.parse("10Q/s"));
  }

  @Test
  void coresAreWholeSlots() {
    assertEquals(2, Cores.parse("2").count());
    assertMessage(
        "expected a whole number of cores like 2, got '0.5' (cores are whole execution slots)",
        () -> Cores.parse("0.5"));
    assertMessage("cores must be between 1 and 4096, got 0", () -> Cores.parse("0"));
    assertMessage("cores must be between 1 and 4096, got 5000", () -> Cores.parse("5000"));
    assertMessage("expected a whole number of cores like 2, got 'two'", () -> Cores.parse("two"));
  }

  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "30s, 30000",
    "5m, 300000",
    "1h, 3600000",
    "7d, 604800000",
    "90 s, 90000"
  })
  void durationsParse(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), DurationFormat.parse(text));
  }

  @Test
  void durationsFormatToTheLargestExactUnit() {
    assertEquals("1m", DurationFormat.format(Duration.ofSeconds(60)));
    assertEquals("90s", DurationFormat.format(Duration.ofSeconds(90)));
    assertEquals("1500ms", DurationFormat.format(Duration.ofMillis(1500)));
    assertEquals("30d", DurationFormat.format(Duration.ofDays(30)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"30", "1.5s", "1h30m", "30 sec", "s", "-5s", "PT30S"})
  void badDurationsSayWhatWasExpected(String text) {
    assertMessage(
        "expected a duration like 500ms, 30s, 5m, 1h or 7d, got '" + text + "'",
        () -> DurationFormat.parse(text));
  }

  @Test
  void durationsAreBounded() {
    assertMessage("a duration must be positive, got '0s'", () -> DurationFormat.parse("0s"));
    assertMessage(
        "'36501d' is too long a duration (at most 36500d)", () -> DurationFormat.parse("36501d"));
    assertMessage(
        "'999999999999999999h' is too long a duration (at most 36500d)",
        () -> DurationFormat.parse("999999999999999999h"));
  }

  @Test
  void scalarTypes() {
    assertEquals(true, ConfigValueType.BOOLEAN.parse("true"));
    assertMessage("expected true or false, got 'yes'", () -> ConfigValueType.BOOLEAN.parse("yes"));
    assertEquals(22341, ConfigValueType.PORT.parse("22341"));
    assertMessage(
        "expected a TCP/UDP port like 22341 (1 to 65535), got 65536",
        () -> ConfigValueType.PORT.parse("65536"));
    assertMessage(
        "expected a TCP/UDP port like 22341, got '99999999999'",
        () -> ConfigValueType.PORT.parse("99999999999"));
    assertEquals(0, ConfigValueType.TTL.parse("0"));
    assertEquals("*", ConfigValueType.LISTEN_HOST.parse(" * "));
    assertEquals("localhost", ConfigValueType.LISTEN_HOST.parse("LocalHost"));
    assertMessage(
        "expected a host name or IP address like localhost or 192.0.2.7, got '**'",
        () -> ConfigValueType.LISTEN_HOST.parse("**"));
    assertEquals(Engine.CHICORY, ConfigValueType.ENGINE.parse("chicory"));
    assertMessage(
        "expected one of wasmtime, chicory, got 'Wasmtime'",
        () -> ConfigValueType.ENGINE.parse("Wasmtime"));
    assertEquals(Path.of("/var/lib/we"), ConfigValueType.PATH.parse("/var/lib/./we/"));
    assertMessage(
        "expected an absolute path like /var/lib/weverywhere, got 'var/lib'",
        () -> ConfigValueType.PATH.parse("var/lib"));
    assertMessage(
        "expected a Unix group name like weverywhere, got 'Wheel!'",
        () -> ConfigValueType.UNIX_GROUP.parse("Wheel!"));
  }

  @Test
  void multicastGroupsAreLiteralsInTheirFamily() {
    assertEquals(
        "239.255.87.69",
        ConfigValueType.IPV4_MULTICAST.format(
            ConfigValueType.IPV4_MULTICAST.parse("239.255.87.69")));
    assertEquals(
        "ff02::5745",
        ConfigValueType.IPV6_MULTICAST.format(
            ConfigValueType.IPV6_MULTICAST.parse("FF02:0:0:0::5745")));
    assertEquals(
        "ff05::1:3",
        ConfigValueType.IPV6_MULTICAST.format(ConfigValueType.IPV6_MULTICAST.parse("ff05::1:3")));
    assertMessage(
        "'10.0.0.1' is not an IPv4 multicast address (224.0.0.0/4)",
        () -> ConfigValueType.IPV4_MULTICAST.parse("10.0.0.1"));
    assertMessage(
        "expected an IPv4 address like 239.255.87.69, got '239.256.0.1'",
        () -> ConfigValueType.IPV4_MULTICAST.parse("239.256.0.1"));
    assertMessage(
        "expected an IPv4 address like 239.255.87.69, got 'example.org'",
        () -> ConfigValueType.IPV4_MULTICAST.parse("example.org"));
    assertMessage(
        "'fe80::1' is not an IPv6 multicast address (ff00::/8)",
        () -> ConfigValueType.IPV6_MULTICAST.parse("fe80::1"));
    assertMessage(
        "expected an IPv6 address like ff02::5745, got 'ff02:::1'",
        () -> ConfigValueType.IPV6_MULTICAST.parse("ff02:::1"));
  }

  @Test
  void peersAreHostPortLists() {
    assertEquals(
        List.of(
            new PeerAddress("192.0.2.7", Optional.empty(), 22341),
            new PeerAddress("2001:db8::7", Optional.empty(), 1),
            new PeerAddress("builder.example.org", Optional.empty(), 80),
            new PeerAddress("fe80::1", Optional.of("eth0"), 22341)),
        ConfigValueType.PEERS.parse(
            "192.0.2.7:22341, [2001:db8::7]:1,Builder.Example.org:80, [fe80::1%eth0]:22341"));
    assertEquals(
        "192.0.2.7:22341, [fe80::1%eth0]:22341",
        ConfigValueType.PEERS.format(
            ConfigValueType.PEERS.parse("192.0.2.7:22341,[fe80::1%eth0]:22341")));
    assertEquals(List.of(), ConfigValueType.PEERS.parse("none"));
    assertMessage(
        "peer address 'example.org': no port (host:port or [IPv6]:port, e.g. 192.0.2.7:22341)",
        () -> ConfigValueType.PEERS.parse("example.org"));
    assertMessage(
        "peer address 'example.org:0': port 0 is not 1 to 65535",
        () -> ConfigValueType.PEERS.parse("example.org:0"));
    assertMessage(
        "empty item in the list 'a:1,,b:2'", () -> ConfigValueType.PEERS.parse("a:1,,b:2"));
    assertMessage(
        "peer address 'bad_host:1': 'bad_host' is not a host name or IP address",
        () -> ConfigValueType.PEERS.parse("bad_host:1"));
  }

  @Test
  void interfacesAreLoopbackAllOrNames() {
    assertEquals(new InterfaceSelection.Loopback(), ConfigValueType.INTERFACES.parse("loopback"));
    assertEquals(new InterfaceSelection.All(), ConfigValueType.INTERFACES.parse(" all "));
    assertEquals(
        new InterfaceSelection.Named(List.of("eth0", "wlan0")),
        ConfigValueType.INTERFACES.parse("eth0, wlan0, eth0"));
    assertMessage(
        "'all' stands alone: write loopback, all, or a list of interface names",
        () -> ConfigValueType.INTERFACES.parse("eth0, all"));
    assertMessage(
        "expected loopback, all, or interface names like eth0, wlan0, got 'a-very-long-interface'",
        () -> ConfigValueType.INTERFACES.parse("a-very-long-interface"));
  }

  @Test
  void privilegesAreASet() {
    assertEquals(
        EnumSet.of(Privilege.EXECUTE, Privilege.OBSERVE),
        ConfigValueType.PRIVILEGES.parse("execute, observe"));
    assertEquals(
        "observe, execute",
        ConfigValueType.PRIVILEGES.format(ConfigValueType.PRIVILEGES.parse("execute, observe")));
    assertEquals(EnumSet.noneOf(Privilege.class), ConfigValueType.PRIVILEGES.parse("none"));
    assertMessage(
        "unknown privilege 'root': expected none or a list of observe, fetch, execute, publish, control, relay",
        () -> ConfigValueType.PRIVILEGES.parse("execute, root"));
  }

  @Test
  void echoedTextIsBoundedAndControlCharactersVisible() {
    InvalidValueException failure =
        assertThrows(InvalidValueException.class, () -> ByteSize.parse("x".repeat(500) + "\u0007"));
    assertEquals(
        "expected a size like 512MiB, 1.5GiB, 10MB or 4096, got '" + "x".repeat(60) + "...'",
        failure.getMessage());
    assertMessage(
        "expected true or false, got 'a\\u0007b'", () -> ConfigValueType.BOOLEAN.parse("a\u0007b"));
  }

  @Test
  void everyDefaultRoundTripsThroughItsText() {
    for (ConfigKey<?> key : ConfigKeys.all()) {
      if (key.defaultValue() != null) {
        assertEquals(key.defaultValue(), key.type().parse(key.defaultText()), key.name());
      }
    }
  }

  private static void assertMessage(
      String expected, org.junit.jupiter.api.function.Executable parse) {
    InvalidValueException failure = assertThrows(InvalidValueException.class, parse);
    assertEquals(expected, failure.getMessage());
    assertEquals(ErrorCode.CONFIG_BAD_VALUE, failure.code());
  }
}
