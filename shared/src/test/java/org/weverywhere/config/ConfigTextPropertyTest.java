package org.weverywhere.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever text a configuration file holds, loading it ends quickly with a configuration or with
 * {@link InvalidConfigException}, never with another exception and never by hanging.
 */
class ConfigTextPropertyTest {
  private static Path dir;
  private static final byte[] SAMPLE = SampleConfig.read("weverywhere.conf");

  @BeforeContainer
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("config-properties");
  }

  @AfterContainer
  static void deleteDir() throws IOException {
    Files.deleteIfExists(dir.resolve("weverywhere.conf"));
    Files.deleteIfExists(dir);
  }

  @Property(tries = 300)
  void randomBytesLoadOrFailWithConfigErrors(@ForAll("bytes") byte[] content) {
    assertLoadsOrFailsCleanly(content);
  }

  @Property(tries = 300)
  void randomSettingsOfKnownKeysLoadOrFailWithConfigErrors(@ForAll("settings") List<String> lines) {
    assertLoadsOrFailsCleanly(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void mutatedSamplesLoadOrFailWithConfigErrors(@ForAll("mutatedSample") byte[] content) {
    assertLoadsOrFailsCleanly(content);
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<Byte> interesting =
        Arbitraries.of(
            (byte) '\n',
            (byte) '=',
            (byte) '#',
            (byte) '.',
            (byte) ' ',
            (byte) '\r',
            (byte) 0xC3,
            (byte) 0xFF,
            (byte) 0,
            (byte) 'a',
            (byte) '1');
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, any))
        .list()
        .ofMaxSize(2000)
        .map(
            list -> {
              byte[] out = new byte[list.size()];
              for (int i = 0; i < out.length; i++) {
                out[i] = list.get(i);
              }
              return out;
            });
  }

  @Provide
  Arbitrary<List<String>> settings() {
    List<String> names =
        ConfigKeys.all().stream()
            .map(k -> k.name().replace(ConfigKey.GROUP, "team").replace(ConfigKey.SERVICE, "kv"))
            .toList();
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(names),
            Arbitraries.of(names).map(n -> n.substring(0, n.length() - 1)),
            Arbitraries.strings().withChars("abcgroup.-_Z%").ofMaxLength(30));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "512MiB",
                "1.5GiB",
                "10MB",
                "10KB",
                "99999999999EiB",
                "0.5",
                "2",
                "0",
                "30s",
                "0s",
                "99999999999999d",
                "10MiB/s",
                "/s",
                "loopback",
                "all",
                "eth0, all",
                "239.255.87.69",
                "ff02::5745",
                "ff02:::1",
                "::ffff:239.1.1.1",
                "1.2.3.4:5",
                "[::1]:22341",
                "[zz]:1",
                "none",
                "execute, root",
                "true",
                "wasmtime",
                "/abs/path",
                "rel",
                "\u0000",
                ""),
            Arbitraries.strings().ofMaxLength(40));
    Arbitrary<String> line =
        Combinators.combine(key, value, Arbitraries.of(" = ", "=", " ", "= =", "\t=\t"))
            .as((k, v, separator) -> k + separator + v);
    return line.list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<byte[]> mutatedSample() {
    Arbitrary<Integer> position = Arbitraries.integers().between(0, SAMPLE.length - 1);
    Arbitrary<Byte> replacement =
        Arbitraries.of(
            (byte) '\n', (byte) '=', (byte) '#', (byte) 'x', (byte) ' ', (byte) 0x80, (byte) '.');
    Arbitrary<int[]> mutation =
        Combinators.combine(position, replacement, Arbitraries.integers().between(0, 2))
            .as((p, r, kind) -> new int[] {p, r, kind});
    return mutation
        .list()
        .ofMinSize(1)
        .ofMaxSize(30)
        .map(
            mutations -> {
              String text = new String(SAMPLE, StandardCharsets.ISO_8859_1);
              for (int[] m : mutations) {
                int p = Math.min(m[0], Math.max(0, text.length() - 1));
                String c = String.valueOf((char) (m[1] & 0xff));
                text =
                    switch (m[2]) {
                      case 0 -> text.substring(0, p) + c + text.substring(p); // insert
                      case 1 ->
                          text.isEmpty()
                              ? text
                              : text.substring(0, p) + text.substring(p + 1); // delete, e.g. a '#'
                      default ->
                          text.isEmpty()
                              ? c
                              : text.substring(0, p) + c + text.substring(p + 1); // replace
                    };
              }
              return text.getBytes(StandardCharsets.ISO_8859_1);
            });
  }

  private static void assertLoadsOrFailsCleanly(byte[] content) {
    try {
      Files.write(dir.resolve("weverywhere.conf"), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          try {
            Config config = ConfigLoader.filesOnly().load(dir);
            assertFalse(config.entries().isEmpty());
            config.network();
            config.executor();
            config.groups().forEach(config::group);
          } catch (InvalidConfigException invalid) {
            for (ConfigProblem problem : invalid.problems()) {
              assertTrue(problem.origin() instanceof Origin.InFile, problem.toString());
              assertFalse(problem.message().isBlank());
              assertFalse(problem.toString().contains("\n"), "one line per problem: " + problem);
            }
          }
        });
  }
}
