package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * A daemon with 200 libraries described over UDP alone (no HTTP server runs here): the CLI's {@code
 * libraries} and {@code describe} page through them, and every page is a single datagram within the
 * no-amplification rule, padded or not.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DescribeManyLibrariesTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final int LIBRARIES = 200;
  private static final int port;

  static {
    try {
      Path modules = ScratchDirectories.create("we-many");
      byte[] math = Files.readAllBytes(EXAMPLES.resolve("math.wasi"));
      for (int i = 0; i < LIBRARIES; i++) {
        Files.write(
            modules.resolve("lib-" + i + ".wasm"),
            withMetadata(
                math,
                String.format(
                    "{\"name\": \"lib-%03d\", \"version\": \"1.%d.0\", \"description\": \"library %d of many\"}",
                    i, i, i)));
      }
      var test = TestDaemonConfig.prepare("many", List.of(), "libraries.dir = " + modules);
      port = test.udpPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;

  @AfterAll
  void clear() {
    TestDaemonConfig.clear();
  }

  private static List<String> expectedNames() {
    return IntStream.range(0, LIBRARIES).mapToObj(i -> String.format("lib-%03d", i)).toList();
  }

  @Test
  void theCliListsAndDescribesAllTwoHundredOverUdp() throws IOException {
    String peer = "127.0.0.1:" + port;
    CliRun libraries = CliRun.of("libraries", peer, "--json", "--port", Integer.toString(port));
    assertEquals(0, libraries.status(), libraries.toString());
    JsonNode rows = new ObjectMapper().readTree(libraries.out());
    List<String> names = new ArrayList<>();
    rows.forEach(row -> names.add(row.get("name").asText()));
    assertEquals(expectedNames(), names);

    CliRun describe = CliRun.of("describe", peer, "--json", "--port", Integer.toString(port));
    assertEquals(0, describe.status(), describe.toString());
    JsonNode doc = new ObjectMapper().readTree(describe.out());
    assertEquals(LIBRARIES, doc.get("libraries").size());
    assertEquals("lib-000", doc.get("libraries").get(0).get("name").asText());
    assertTrue(
        doc.get("libraries").get(0).get("exports").toString().contains("add"), doc.toString());
  }

  @Test
  void everyPageIsOneDatagramWithinThreeTimesItsRequestPaddedOrNot() {
    var signer = new MessageSigner(Ed25519.generate());
    var client =
        new UdpClient(
            signer, Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000), Clock.systemUTC());
    var node = daemon.identity().nodeId();
    var at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    for (boolean pad : new boolean[] {true, false}) {
      List<String> names = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      int pages = 0;
      do {
        Message.Describe ask =
            pad
                ? client.padded(node, List.of(), cursor)
                : new Message.Describe(List.of(), cursor, 0);
        int requestBytes =
            signer.signedSize(Header.fresh(Audience.node(node), Clock.systemUTC().instant()), ask);
        SignedMessage reply = client.request(at, node, ask, Duration.ofSeconds(2), 3);
        assertTrue(
            reply.size() <= WireLimits.maxUdpReply(requestBytes),
            "page " + pages + ": " + reply.size() + " bytes for a request of " + requestBytes);
        var page = (Message.Description) reply.message();
        page.libraries().forEach(l -> names.add(l.name()));
        cursor = page.next();
        pages++;
      } while (cursor.isPresent() && pages < 1_000);
      assertEquals(expectedNames(), names.stream().sorted().toList(), "padded: " + pad);
      assertEquals(LIBRARIES, names.size(), "each library once");
      // each entry lists math.wasi's typed exports: measured 2 per padded page (100 pages), 1 per
      // unpadded (199)
      assertTrue(
          pad ? pages <= LIBRARIES / 2 : pages <= LIBRARIES, pages + " pages, padded: " + pad);
      System.out.printf("200 libraries over UDP, padded %s: %d pages%n", pad, pages);
    }
  }

  /**
   * The module with a {@code weverywhere} custom section holding {@code json} (the last one wins).
   */
  private static byte[] withMetadata(byte[] module, String json) {
    byte[] name = "weverywhere".getBytes(StandardCharsets.US_ASCII);
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    var out = new ByteArrayOutputStream();
    out.writeBytes(module);
    out.write(0);
    writeLeb(out, 1 + name.length + payload.length);
    writeLeb(out, name.length);
    out.writeBytes(name);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static void writeLeb(ByteArrayOutputStream out, long value) {
    do {
      int b = (int) (value & 0x7f);
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }
}
