package org.weverywhere.daemon.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * The HTTP bulk channel of the real Liberty daemon answers: issue 16's benchmark found every
 * request answered 500, because the resource's class could not load without the servlet feature
 * (the Weld SE tests serve HTTP with the JDK's server and could not see it). Two executes on the
 * client's kept-alive connection, and a describe.
 */
class LibertyBulkChannelIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Test
  void executeAndDescribeAnswerOverHttp() {
    try (var daemon =
        LibertyDaemon.builder()
            .name("bulk-channel")
            .line("group.anonymous.privileges = execute")
            .library(EXAMPLES.resolve("math.wasi"))
            .readyTimeout(Duration.ofMinutes(10))
            .start()) {
      var bulk =
          new BulkClient(
              new MessageSigner(Ed25519.generate()),
              Verifier.of(Clock.systemUTC(), Optional.empty(), 64),
              Clock.systemUTC(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(60),
              WireLimits.HTTP);
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
    }
  }
}
