package org.weverywhere.daemon.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The bulk channel of the daemon's own Liberty server (liberty/config/server.xml), not of the
 * Arquillian test server, which enables servlet-6.0 for itself: without that feature in the
 * daemon's server the application could not see the servlet API its resource asks for the sender's
 * address, and every request over HTTP was answered 500 (found by the soak run).
 */
class RealDaemonBulkChannelIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Test
  void fetchAndAGarbageBodyGetTheirAnswersNotAServerError() throws Exception {
    try (var daemon =
        LibertyDaemon.builder()
            .name("bulk-channel")
            .heap("512m")
            // a shared machine at a load average of 36 took longer than the fixture's 180 s
            .readyTimeout(Duration.ofMinutes(8))
            .line("group.anonymous.privileges = execute, fetch")
            .library(EXAMPLES.resolve("math.wasi"))
            .start()) {
      var bulk =
          new BulkClient(
              new MessageSigner(Ed25519.generate()),
              Verifier.of(Clock.systemUTC(), Optional.empty(), 100),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              Duration.ofSeconds(60),
              WireLimits.HTTP);
      var module =
          assertInstanceOf(
              Message.ModuleReply.class,
              bulk.request(
                      daemon.httpBase(),
                      daemon.nodeId(),
                      new Message.Fetch("math", Optional.empty()))
                  .message());
      assertArrayEquals(Files.readAllBytes(EXAMPLES.resolve("math.wasi")), module.module());

      // hostile: two bytes that start a COSE_Sign1 and end there
      HttpResponse<String> garbage =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(daemon.httpBase().resolve(BulkClient.PATH))
                      .timeout(Duration.ofSeconds(20))
                      .header("Content-Type", BulkClient.MEDIA_TYPE)
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              new byte[] {(byte) 0xd2, (byte) 0x84}))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(400, garbage.statusCode(), garbage.body());
      assertTrue(garbage.body().matches("WE5002 .*\n"), garbage.body());
    }
  }
}
