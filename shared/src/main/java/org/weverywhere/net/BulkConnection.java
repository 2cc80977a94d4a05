package org.weverywhere.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * One kept-alive HTTP/1.1 connection to a daemon's bulk channel, used by one thread at a time: each
 * request is written in one segment and its answer read on the calling thread. The JDK's HTTP
 * client hands every exchange between the caller, its selector thread and its executor; on a loaded
 * two-core machine each hand-off waits for a core, which cost ≈ 0.8 ms per round trip against this
 * (docs/PERFORMANCE.md, "HTTP path: where the time goes"). A load generator holds one per unit of
 * concurrency, as {@code wrk} does. The answer comes from a daemon that may be hostile: its head is
 * read up to {@link #MAX_HEAD_BYTES}, its body up to the caller's limit, and the whole exchange
 * within the timeout, however slowly the bytes trickle in.
 */
public final class BulkConnection implements AutoCloseable {
  /** The most bytes of status line and headers read from an answer. */
  public static final int MAX_HEAD_BYTES = 16 * 1024;

  private final URI base;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final int maxBodyBytes;
  private final byte[] head;

  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final byte[] buffer = new byte[8192];
  private int at;
  private int end;
  private long deadline;

  /** An answer: its status and body. */
  public record Answer(int status, byte[] body) {}

  /**
   * @param base the daemon's HTTP address, {@code http://host:port}
   * @param maxBodyBytes the longest answer body read; a longer one fails the exchange
   */
  public BulkConnection(URI base, Duration connectTimeout, Duration timeout, int maxBodyBytes) {
    if (!"http".equals(base.getScheme()) || base.getPort() < 0) {
      throw new IllegalArgumentException("not http://host:port: " + base);
    }
    this.base = base;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.head =
        ("POST "
                + BulkClient.PATH
                + " HTTP/1.1\r\nHost: "
                + base.getHost()
                + ":"
                + base.getPort()
                + "\r\nContent-Type: "
                + BulkClient.MEDIA_TYPE
                + "\r\nAccept: "
                + BulkClient.MEDIA_TYPE
                + "\r\nContent-Length: ")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Posts {@code wire} and reads the answer. A connection the daemon closed while idle is opened
   * again once, before any byte of an answer was read: callers send only requests that are safe to
   * repeat (a request key makes an execute so).
   */
  public Answer post(byte[] wire) {
    byte[] request = request(wire);
    boolean reused = socket != null;
    try {
      if (!reused) {
        open();
      }
      deadline = System.nanoTime() + timeout.toNanos();
      try {
        out.write(request);
        return answer();
      } catch (StaleConnection stale) {
        if (!reused) {
          throw new EOFException("the daemon closed the connection without answering");
        }
        open(); // the daemon closed it while it was idle (its keep-alive timeout)
        out.write(request);
        return answer();
      }
    } catch (SocketTimeoutException slow) {
      closeQuietly();
      throw new ProtocolException(
          Reason.NO_ANSWER, base + " did not answer within " + timeout.toMillis() + " ms", slow);
    } catch (ProtocolException refused) {
      closeQuietly();
      throw refused;
    } catch (IOException failed) {
      closeQuietly();
      throw new ProtocolException(Reason.TRANSPORT, base + ": " + failed, failed);
    }
  }

  private byte[] request(byte[] wire) {
    byte[] length = (wire.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(head, head.length + length.length + wire.length);
    System.arraycopy(length, 0, request, head.length, length.length);
    System.arraycopy(wire, 0, request, head.length + length.length, wire.length);
    return request;
  }

  private void open() throws IOException {
    closeQuietly();
    Socket fresh = new Socket();
    try {
      fresh.setTcpNoDelay(true);
      fresh.connect(
          new InetSocketAddress(base.getHost(), base.getPort()),
          (int) Math.max(1, connectTimeout.toMillis()));
    } catch (IOException failed) {
      fresh.close();
      throw failed;
    }
    socket = fresh;
    in = fresh.getInputStream();
    out = fresh.getOutputStream();
    at = 0;
    end = 0;
  }

  /** Reads one answer: a status line, headers, then a body by its length or in chunks. */
  private Answer answer() throws IOException {
    int headBytes = 0;
    String status = line(true);
    headBytes += status.length();
    String[] parts = status.split(" ", 3);
    if (parts.length < 2
        || !parts[0].startsWith("HTTP/1.")
        || parts[1].length() != 3
        || !parts[1].chars().allMatch(Character::isDigit)) {
      throw malformed("a status line that is not HTTP/1.x: " + shorten(status));
    }
    int code = Integer.parseInt(parts[1]);
    if (code < 200) {
      throw malformed("an interim answer " + code + " to a request that asked for none");
    }
    long length = -1;
    boolean chunked = false;
    boolean close = parts[0].equals("HTTP/1.0");
    for (String header = line(false); !header.isEmpty(); header = line(false)) {
      headBytes += header.length() + 2;
      if (headBytes > MAX_HEAD_BYTES) {
        throw new ProtocolException(
            Reason.OVERSIZED,
            base + " answered with more than " + MAX_HEAD_BYTES + " header bytes");
      }
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw malformed("a header line without a name: " + shorten(header));
      }
      String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> {
          if (length >= 0
              || value.isEmpty()
              || value.length() > 12
              || !value.chars().allMatch(Character::isDigit)) {
            throw malformed("a Content-Length that is not one number: " + shorten(value));
          }
          length = Long.parseLong(value);
        }
        case "transfer-encoding" -> chunked = value.endsWith("chunked");
        case "connection" -> close |= value.contains("close");
        default -> {}
      }
    }
    byte[] body;
    if (chunked) {
      body = chunks();
    } else if (length >= 0) {
      if (length > maxBodyBytes) {
        throw new ProtocolException(
            Reason.OVERSIZED,
            base
                + " announced a body of "
                + length
                + " bytes; at most "
                + maxBodyBytes
                + " are read");
      }
      body = new byte[(int) length];
      fill(body, 0, body.length);
    } else { // neither: the body ends with the connection
      body = untilClosed();
      close = true;
    }
    if (close) {
      closeQuietly();
    }
    return new Answer(code, body);
  }

  private byte[] chunks() throws IOException {
    byte[] body = new byte[0];
    while (true) {
      String size = line(false);
      int semicolon = size.indexOf(';');
      String hex = (semicolon >= 0 ? size.substring(0, semicolon) : size).strip();
      if (hex.isEmpty()
          || hex.length() > 8
          || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw malformed("a chunk size that is not hexadecimal: " + shorten(size));
      }
      long n = Long.parseLong(hex, 16);
      if (n == 0) {
        while (!line(false).isEmpty()) {} // trailers, bounded like any line
        return body;
      }
      if (body.length + n > maxBodyBytes) {
        throw new ProtocolException(
            Reason.OVERSIZED,
            base + " sent a chunked body of more than " + maxBodyBytes + " bytes");
      }
      int from = body.length;
      body = Arrays.copyOf(body, (int) (from + n));
      fill(body, from, (int) n);
      if (!line(false).isEmpty()) {
        throw malformed("a chunk longer than its size");
      }
    }
  }

  private byte[] untilClosed() throws IOException {
    byte[] body = new byte[Math.min(maxBodyBytes + 1, 8192)];
    int length = 0;
    while (true) {
      if (at == end && !more()) {
        return Arrays.copyOf(body, length);
      }
      int n = Math.min(end - at, body.length - length);
      if (n == 0) {
        if (body.length > maxBodyBytes) {
          throw new ProtocolException(
              Reason.OVERSIZED, base + " sent a body of more than " + maxBodyBytes + " bytes");
        }
        body = Arrays.copyOf(body, (int) Math.min((long) body.length * 2, maxBodyBytes + 1L));
        continue;
      }
      System.arraycopy(buffer, at, body, length, n);
      at += n;
      length += n;
    }
  }

  /** One line of the head, without its CRLF; at most {@link #MAX_HEAD_BYTES} long. */
  private String line(boolean first) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      if (at == end && !more()) {
        if (first && line.isEmpty()) {
          throw new StaleConnection();
        }
        throw new EOFException("the daemon closed the connection in the middle of an answer");
      }
      byte b = buffer[at++];
      if (b == '\n') {
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
      }
      if (line.length() >= MAX_HEAD_BYTES) {
        throw new ProtocolException(
            Reason.OVERSIZED,
            base + " answered with a header line of more than " + MAX_HEAD_BYTES + " bytes");
      }
      line.append((char) (b & 0xff));
    }
  }

  private void fill(byte[] into, int from, int n) throws IOException {
    while (n > 0) {
      if (at == end && !more()) {
        throw new EOFException("the daemon closed the connection in the middle of a body");
      }
      int step = Math.min(n, end - at);
      System.arraycopy(buffer, at, into, from, step);
      at += step;
      from += step;
      n -= step;
    }
  }

  /** Reads more into the buffer within what is left of the exchange's time; false at its end. */
  private boolean more() throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("the answer took longer than the timeout");
    }
    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
    int n = in.read(buffer, 0, buffer.length);
    if (n < 0) {
      return false;
    }
    at = 0;
    end = n;
    return true;
  }

  private ProtocolException malformed(String what) {
    return new ProtocolException(Reason.MALFORMED, base + " answered with " + what);
  }

  private static String shorten(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "…" : text;
  }

  private void closeQuietly() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) { // closing a socket that failed: nothing left to tell
      }
      socket = null;
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  /** The daemon closed a kept-alive connection before answering: it may be opened again once. */
  private static final class StaleConnection extends EOFException {
    StaleConnection() {
      super("the daemon closed the connection before answering");
    }
  }
}
