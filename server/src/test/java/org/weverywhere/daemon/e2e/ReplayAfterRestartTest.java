package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
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
import org.weverywhere.trust.Fingerprint;

/**
 * Replays across a restart (issue 13, item 7): an execute is captured on its way to a real daemon
 * (its beans in a process of their own), the daemon is killed (-9, so nothing is written at stop)
 * and started again on the same state within the timestamp window, and the captured bytes are sent
 * again. They are refused, the journal holds one execution of that message, and a request signed
 * afresh after the restart is served.
 */
class ReplayAfterRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aMessageAcceptedBeforeARestartIsNeverAcceptedAgain() throws Exception {
    // a wide window, so that however slowly this machine restarts the daemon, the replay is still
    // inside it and only the horizon can refuse it
    var config =
        TestDaemonConfig.prepare(
            "replay",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            "protocol.clock-skew = 2m");
    TestDaemonConfig.clear(); // the daemon runs in a process of its own, told its directory
    Process daemon = start(config.dir(), config.dir().resolve("daemon.log"));
    Process restarted = null;
    try {
      Fingerprint node = DaemonProcess.awaitReady(daemon, config.dir().resolve("daemon.log"));
      var client = new MessageSigner(Ed25519.generate());
      var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), config.udpPort());
      Header header = Header.fresh(Audience.node(node), Clock.systemUTC().instant());
      byte[] captured =
          client.sign(
              header,
              new Message.Execute(
                  new Message.LibraryTarget("math"),
                  new Message.Call(
                      "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40)))));

      SignedMessage first = exchange(to, captured, Duration.ofSeconds(10));
      assertEquals("completed", assertInstanceOf(Message.Result.class, first.message()).outcome());
      assertNull(
          exchange(to, captured, Duration.ofSeconds(1)), "a replay to the same run is refused");

      daemon.destroyForcibly();
      daemon.waitFor(10, TimeUnit.SECONDS);
      restarted = start(config.dir(), config.dir().resolve("daemon-2.log"));
      DaemonProcess.awaitReady(restarted, config.dir().resolve("daemon-2.log"));
      assertEquals(
          true,
          Duration.between(header.timestamp(), Clock.systemUTC().instant()).getSeconds() < 110,
          "the replay is still inside the timestamp window, so only the horizon can refuse it");

      assertNull(
          exchange(to, captured, Duration.ofSeconds(2)), "the replay after the restart is refused");

      // a request signed afresh is served: refusals after a restart last at most the horizon's
      // lease
      var udp =
          new UdpClient(
              client, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
      long asked = System.nanoTime();
      SignedMessage fresh =
          udp.request(
              to,
              node,
              new Message.Execute(
                  new Message.LibraryTarget("math"),
                  new Message.Call(
                      "add", List.of(Message.WasmValue.i32(1), Message.WasmValue.i32(1)))),
              Duration.ofMillis(500),
              30);
      assertEquals("completed", assertInstanceOf(Message.Result.class, fresh.message()).outcome());
      System.out.println(
          "fresh request served "
              + Duration.ofNanos(System.nanoTime() - asked).toMillis()
              + " ms after the restarted daemon was ready");

      assertEquals(
          1,
          executions(config.dir().resolve("state/events"), header.id().toString()),
          "the journal holds one execution of the captured message");
    } finally {
      for (Process p : new Process[] {daemon, restarted}) {
        if (p != null) {
          p.getOutputStream().close();
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          }
        }
      }
    }
  }

  /**
   * Sends {@code bytes} as they are and waits up to {@code wait} for a verified reply to them; null
   * if none.
   */
  private static SignedMessage exchange(InetSocketAddress to, byte[] bytes, Duration wait)
      throws IOException {
    var verifier = Verifier.of(Clock.systemUTC(), Optional.empty(), 100);
    try (DatagramChannel channel = DatagramChannel.open();
        Selector selector = Selector.open()) {
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      channel.send(ByteBuffer.wrap(bytes), to);
      long deadline = System.nanoTime() + wait.toNanos();
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      for (long left = wait.toMillis();
          left > 0;
          left = (deadline - System.nanoTime()) / 1_000_000) {
        if (selector.select(left) > 0) {
          selector.selectedKeys().clear();
          buffer.clear();
          if (channel.receive(buffer) != null) {
            return verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
          }
        }
      }
      return null;
    }
  }

  private static long executions(Path journal, String messageId) throws IOException {
    long count = 0;
    try (var files = Files.list(journal)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode event = JSON.readTree(line);
          if (event.path("type").asText().equals("org.weverywhere.execution.finished")
              && event.path("data").path("messageId").asText().equals(messageId)) {
            count++;
          }
        }
      }
    }
    return count;
  }

  private static Process start(Path dir, Path log) throws IOException {
    return new ProcessBuilder(DaemonProcess.command(List.of(), dir))
        .redirectError(log.toFile())
        .start();
  }
}
