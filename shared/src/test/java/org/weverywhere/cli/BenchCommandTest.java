package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;

/**
 * What {@code bench} refuses before it loads anything: one line each, with its code, exit status 1.
 * No daemon is reached (port 9, discard, on loopback). The real run against the daemon's beans is
 * server's BenchAgainstDaemonTest.
 */
class BenchCommandTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--mix ping | unknown --mix entry 'ping'",
        "--mix execute:math | name LIBRARY.FUNCTION after execute:",
        "--mix describe=0 | weight must be 1..1000, not 0",
        "-c 0 | --concurrency must be 1..10000, not 0",
        "-c -3 | --concurrency must be 1..10000, not -3",
        "-c 10001 | --concurrency must be 1..10000, not 10001",
        "-n 0 | --requests must be 1..1000000000, not 0",
        "-n -5 | --requests must be 1..1000000000, not -5",
        "-d 0 | --duration must be more than 0 and at most 1d, not 0 ms",
        "--threads 0 | --threads must be at least 1, not 0",
        "-c 2 --threads 3 | --threads must be at most --concurrency (2), not 3",
        "--transport tcp | --transport must be udp or http, not 'tcp'"
      })
  void badInputIsOneLineWithItsCode(String options, String expected) {
    String[] words = options.strip().split(" ");
    String[] args = new String[words.length + 5];
    args[0] = "bench";
    args[1] = "--peer";
    args[2] = "127.0.0.1:9";
    args[3] = "--timeout";
    args[4] = "0.2";
    System.arraycopy(words, 0, args, 5, words.length);
    CliRun run = CliRun.of(args);
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.err().startsWith("weverywhere: ") && run.err().contains(expected), run.err());
    assertTrue(run.err().endsWith(" [WE1020]\n"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertEquals("", run.out());
  }

  @Test
  void anUnreachablePeerIsOneLineAfterTheTimeout() {
    long start = System.nanoTime();
    CliRun run = CliRun.of("bench", "--peer", "127.0.0.1:9", "--timeout", "0.3", "-d", "1s");
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.err().startsWith("weverywhere: "), run.err());
    assertTrue(run.err().endsWith(" [WE5024]\n"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "gave up in time");
  }

  /**
   * {@code --sessions} against a node that answers discover but declines every session (as a daemon
   * that does not implement them, or whose table is full, does): one line naming it, before any
   * load, rather than a run measured with signed requests that were not asked for. The node is a
   * loopback socket of this test answering each verified discover with a signed announce; its loop
   * is bounded in count and time.
   */
  @Test
  void aNodeDecliningSessionsIsOneLineBeforeAnyLoad() throws Exception {
    MessageSigner node = new MessageSigner(Ed25519.generate());
    Verifier verifier = Verifier.of(Clock.systemUTC(), Optional.of(node.fingerprint()), 1_000);
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (DatagramChannel socket =
        DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
      Thread answering =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
                    long end = System.nanoTime() + 20_000_000_000L;
                    for (int i = 0; i < 50 && System.nanoTime() < end; i++) {
                      try {
                        buffer.clear();
                        var from = socket.receive(buffer);
                        SignedMessage request =
                            verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP);
                        heard.add(
                            request.message() instanceof Message.Discover d
                                    && d.session().isPresent()
                                ? "offer"
                                : request.message().type());
                        if (request.message() instanceof Message.Discover) {
                          byte[] wire =
                              node.sign(
                                  Header.replyTo(request.header(), Clock.systemUTC().instant()),
                                  new Message.Announce(
                                      "declines", 9, List.of(), List.of(), List.of()));
                          socket.send(ByteBuffer.wrap(wire), from);
                        }
                      } catch (java.io.IOException closed) {
                        return; // the test closed the socket
                      }
                    }
                  });
      CliRun run =
          CliRun.of(
              "bench",
              "--peer",
              "127.0.0.1:" + port,
              "--timeout",
              "2",
              "--mix",
              "discover",
              "-n",
              "5",
              "--sessions");
      socket.close();
      answering.join(5_000);
      assertEquals(1, run.status(), run.toString());
      assertTrue(
          run.err().contains("did not open a session over udp")
              && run.err().endsWith(" [WE1020]\n"),
          run.err());
      assertEquals(1, run.err().lines().count(), run.err());
      assertEquals("", run.out());
      assertTrue(heard.contains("offer"), "a session was offered: " + heard);
    }
  }

  @Test
  void aPeerIsRequired() {
    CliRun run = CliRun.of("bench");
    assertEquals(2, run.status(), run.toString());
    assertTrue(run.err().startsWith("Missing required option: '--peer=PEER'"), run.err());
  }
}
