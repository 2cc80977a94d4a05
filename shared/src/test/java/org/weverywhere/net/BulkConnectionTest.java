package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * A kept-alive connection against a real socket on loopback whose answers are scripted: a daemon
 * that answers well (and keeps the connection), and daemons that answer with too much, too little,
 * garbage, or too slowly. Nothing they send is held beyond the limits, and each fails with a
 * reason.
 */
class BulkConnectionTest {
  private static final int LIMIT = 1024;
  private static final byte[] WIRE = "signed bytes".getBytes(StandardCharsets.US_ASCII);

  /** What the scripted daemon does with each request on a connection: false closes it. */
  interface Script {
    boolean answer(int connection, int request, OutputStream out) throws IOException;
  }

  /** A daemon on loopback that answers each request as its script says. */
  private static final class ScriptedDaemon implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> requests = new ArrayList<>();

    ScriptedDaemon(Script script) throws IOException {
      server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      Thread.ofPlatform().daemon().start(() -> serve(script));
    }

    private void serve(Script script) {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          int connection = accepted.incrementAndGet();
          InputStream in = socket.getInputStream();
          OutputStream out = socket.getOutputStream();
          for (int request = 1; ; request++) {
            String head = readRequest(in);
            if (head == null) {
              break;
            }
            synchronized (requests) {
              requests.add(head);
            }
            if (!script.answer(connection, request, out)) {
              break;
            }
          }
        } catch (IOException gone) { // the client left mid-answer, or the test closed the socket
          if (server.isClosed()) {
            return;
          }
        }
      }
    }

    BulkConnection connect(Duration timeout) {
      return new BulkConnection(
          URI.create("http://127.0.0.1:" + server.getLocalPort()),
          Duration.ofSeconds(5),
          timeout,
          LIMIT);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Reads one request (head, then as many body bytes as it says); null when the client left. */
  private static String readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.append((char) b);
    }
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).strip()));
      }
    }
    return head.toString();
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static ScriptedDaemon scripted(Script script) throws IOException {
    return new ScriptedDaemon(script);
  }

  private static ProtocolException failure(ScriptedDaemon daemon, Duration timeout) {
    try (var connection = daemon.connect(timeout)) {
      return assertThrows(ProtocolException.class, () -> connection.post(WIRE));
    }
  }

  @Test
  void answersArriveOnOneConnectionKeptAlive() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nreply");
              return true;
            });
    try (daemon;
        var connection = daemon.connect(Duration.ofSeconds(5))) {
      for (int i = 0; i < 3; i++) {
        var answer = connection.post(WIRE);
        assertEquals(200, answer.status());
        assertArrayEquals("reply".getBytes(StandardCharsets.US_ASCII), answer.body());
      }
    }
    assertEquals(1, daemon.accepted.get(), "one connection for every request");
    assertTrue(daemon.requests.getFirst().startsWith("POST " + BulkClient.PATH + " HTTP/1.1\r\n"));
    assertTrue(daemon.requests.getFirst().contains("Content-Length: " + WIRE.length + "\r\n"));
  }

  @Test
  void chunkedAnswersAreJoinedAndAConnectionClosedByTheDaemonIsOpenedAgain() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(
                  out,
                  "HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nWE5\r\n2;x\r\n00\r\n0\r\n\r\n");
              return false; // an idle kept-alive connection closed by the daemon
            });
    try (daemon;
        var connection = daemon.connect(Duration.ofSeconds(5))) {
      assertArrayEquals("WE500".getBytes(StandardCharsets.US_ASCII), connection.post(WIRE).body());
      assertEquals(400, connection.post(WIRE).status());
    }
    assertEquals(2, daemon.accepted.get());
  }

  @Test
  void aBodyAnnouncedOverTheLimitIsNotRead() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");
              return true;
            });
    try (daemon) {
      assertEquals(Reason.OVERSIZED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void aChunkedBodyOverTheLimitStopsAtTheLimit() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              for (int i = 0; i < 100; i++) {
                send(out, "100\r\n" + "x".repeat(256) + "\r\n");
              }
              return true;
            });
    try (daemon) {
      assertEquals(Reason.OVERSIZED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void aBodyUntilTheConnectionClosesStopsAtTheLimit() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(LIMIT * 4));
              return false;
            });
    try (daemon) {
      assertEquals(Reason.OVERSIZED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void endlessHeadersStopAtTheHeadLimit() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\n");
              for (int i = 0; i < 2000; i++) {
                send(out, "X-Filler-" + i + ": " + "y".repeat(20) + "\r\n");
              }
              return true;
            });
    try (daemon) {
      assertEquals(Reason.OVERSIZED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void aHeaderLineWithoutEndStopsAtTheHeadLimit() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 " + "z".repeat(BulkConnection.MAX_HEAD_BYTES * 2));
              return true;
            });
    try (daemon) {
      assertEquals(Reason.OVERSIZED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void garbageInsteadOfAStatusLineIsMalformed() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "SSH-2.0-OpenSSH_9.6\r\n\r\n");
              return true;
            });
    try (daemon) {
      assertEquals(Reason.MALFORMED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void twoContentLengthsAreMalformed() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 900\r\n\r\nx");
              return true;
            });
    try (daemon) {
      assertEquals(Reason.MALFORMED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void aNegativeContentLengthIsMalformed() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n");
              return true;
            });
    try (daemon) {
      assertEquals(Reason.MALFORMED, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void aBodyCutShortIsATransportFailure() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
              return false;
            });
    try (daemon) {
      assertEquals(Reason.TRANSPORT, failure(daemon, Duration.ofSeconds(5)).reason());
    }
  }

  @Test
  void aDaemonThatClosesAFreshConnectionUnansweredIsATransportFailure() throws IOException {
    var daemon = scripted((c, r, out) -> false);
    try (daemon) {
      assertEquals(Reason.TRANSPORT, failure(daemon, Duration.ofSeconds(5)).reason());
    }
    assertEquals(1, daemon.accepted.get(), "a fresh connection is not opened again");
  }

  @Test
  void anAnswerTrickledByteByByteEndsAtTheTimeoutNotTheByte() throws IOException {
    var daemon =
        scripted(
            (c, r, out) -> {
              send(out, "HTTP/1.1 200 OK\r\n");
              try {
                for (int i = 0; i < 10_000; i++) { // each byte well within a read's timeout
                  send(out, "X");
                  Thread.sleep(20);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return false;
            });
    try (daemon) {
      assertEquals(Reason.NO_ANSWER, failure(daemon, Duration.ofMillis(300)).reason());
    }
  }
}
