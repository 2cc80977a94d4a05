package org.weverywhere.daemon.liberty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.Message;

/**
 * The HTTP bulk channel of the daemon's own Liberty server answers: issue 16's benchmark and the
 * soak run both found every request answered 500, because the resource's class could not load
 * without the servlet feature (the Weld SE tests serve HTTP with the JDK's server, and Arquillian's
 * test server enables servlet for itself, so neither could see it). Two executes on the client's
 * kept-alive connection, a describe, a fetch, and a garbage body refused with its code.
 */
class LibertyBulkChannelIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Test
  void executeDescribeAndFetchAnswerOverHttpAndGarbageIsRefused() throws Exception {
    try (var daemon =
        LibertyDaemon.builder()
            .name("bulk-channel")
            .line("group.anonymous.privileges = execute, fetch")
            .library(EXAMPLES.resolve("math.wasi"))
            .readyTimeout(Duration.ofMinutes(10))
            .start()) {
      var bulk = LibertyDaemon.bulkClient();
      Message add =
          new Message.Execute(
              new Message.LibraryTarget("math"),
              new Message.Call(
                  "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
      for (int i = 0; i < 2; i++) {
        Message reply = bulk.request(daemon.httpBase(), daemon.nodeId(), add).message();
        Message.Result result = assertInstanceOf(Message.Result.class, reply, reply.toString());
        assertEquals("completed", result.outcome());
        assertEquals(List.of(Message.WasmValue.i32(42)), result.values());
      }
      Message description =
          bulk.request(
                  daemon.httpBase(),
                  daemon.nodeId(),
                  new Message.Describe(List.of("libraries"), Optional.empty(), 0))
              .message();
      // the built-in probes are offered too: math is one library among them
      assertEquals(
          1,
          assertInstanceOf(Message.Description.class, description).libraries().stream()
              .filter(l -> l.name().equals("math"))
              .count(),
          description.toString());

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
