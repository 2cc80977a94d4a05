package org.weverywhere.daemon.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.container.annotation.ArquillianTest;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * The daemon's real WAR on a real Open Liberty: it starts, says it is ready with its node id, and
 * answers signed requests on the HTTP bulk channel: fetch serves a library, execute runs a module.
 */
@ArquillianTest
@RunAsClient
class DaemonIT {
  @Deployment(testable = false)
  static WebArchive daemon() {
    return ShrinkWrap.create(ZipImporter.class, "weverywhere-server.war")
        .importFrom(new File("target/weverywhere-server.war"))
        .as(WebArchive.class);
  }

  private static final URI BASE = URI.create("http://127.0.0.1:22391");
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  private static String ready() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(BASE.resolve("/health/ready"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static Fingerprint nodeId() throws Exception {
    Matcher m = Pattern.compile("\"nodeId\":\"(SHA256:[A-Za-z0-9+/]{43})\"").matcher(ready());
    assertTrue(m.find(), "no node id in readiness");
    return Fingerprint.parse(m.group(1));
  }

  private final MessageSigner me = new MessageSigner(Ed25519.generate());

  private SignedMessage ask(Message message) throws Exception {
    var client =
        new BulkClient(
            me,
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            WireLimits.HTTP);
    return client.request(BASE, nodeId(), message);
  }

  @Test
  void fetchOverTheBulkChannelGivesTheModuleWithItsHash() throws Exception {
    byte[] math = Files.readAllBytes(EXAMPLES.resolve("math.wasi"));
    var module =
        assertInstanceOf(
            Message.ModuleReply.class, ask(new Message.Fetch("math", Optional.empty())).message());
    assertArrayEquals(math, module.module());
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(math), module.sha256());
  }

  @Test
  void executeSentModuleBytesRunsTheCommandWithArgsAndStdin() throws Exception {
    byte[] hello = Files.readAllBytes(EXAMPLES.resolve("hello.wasi"));
    var result =
        assertInstanceOf(
            Message.Result.class,
            ask(new Message.Execute(
                    new Message.ModuleTarget(hello),
                    new Message.Command(
                        List.of("hello", "from", "liberty"),
                        Map.of("GREETING", "hi"),
                        "stdin bytes".getBytes(StandardCharsets.UTF_8))))
                .message());
    assertEquals("completed", result.outcome());
    assertEquals(0, result.exit());
    String out = new String(result.stdout(), StandardCharsets.UTF_8);
    assertTrue(out.contains("arg[2]=liberty"), out);
    assertTrue(out.contains("env[0]=GREETING=hi"), out);
    assertTrue(out.contains("stdin=11 bytes"), out);
  }

  @Test
  void unverifiableBodiesGetTheStatusesOfTheSpec() throws Exception {
    // docs/PROTOCOL.md §1 "HTTP answers", on the real JAX-RS resource: 400 with one WEnnnn line,
    // 415 for
    // another media type, and the versions spoken on every answer
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> garbage =
        http.send(
            HttpRequest.newBuilder(BASE.resolve(BulkClient.PATH))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", BulkClient.MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xd2, (byte) 0x84}))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, garbage.statusCode(), garbage.body());
    assertTrue(garbage.body().matches("WE5002 .*\n"), garbage.body());
    assertTrue(
        garbage.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        garbage.headers().toString());
    assertEquals(Optional.of("1"), garbage.headers().firstValue("WEverywhere-Versions"));
    HttpResponse<String> text =
        http.send(
            HttpRequest.newBuilder(BASE.resolve(BulkClient.PATH))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(415, text.statusCode(), text.body());
  }

  @Test
  void readinessSaysUpWithTheNodeId() throws Exception {
    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(BASE.resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"weverywhere-daemon\""), ready.body());
    assertTrue(
        ready.body().matches("(?s).*\"nodeId\":\"SHA256:[A-Za-z0-9+/]{43}\".*"), ready.body());
    assertTrue(ready.body().contains("weverywhereTest/etc\""), ready.body());
    assertTrue(
        Files.exists(Path.of("target/liberty/wlp/usr/servers/weverywhereTest/state/host.key.pem")),
        "host key in the state directory from server.env");
  }
}
