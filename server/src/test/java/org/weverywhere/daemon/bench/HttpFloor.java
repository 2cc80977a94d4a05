package org.weverywhere.daemon.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The floor under the HTTP bulk channel's round trip (issue 16): what one request costs that does
 * no WEverywhere work, one at a time on a kept-alive connection, from the JDK's HTTP client set up
 * as {@code BulkClient} sets it up (HTTP/1.1) and from a bare socket writing each request in one
 * segment. Against Liberty: {@code GET /health/live}, a {@code POST} JAX-RS refuses before the
 * resource (415) and one the resource refuses after reading its body (400); against the JDK's own
 * HTTP server in this JVM, the client's cost with a server that does nothing.
 */
final class HttpFloor {
  private static final byte[] ONE_BYTE = {0x42};

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One floor measure: its median and 99th percentile in ms, and how many ran. */
  record Figure(double p50, double p99, int calls) {
    @Override
    public String toString() {
      return String.format("%.3f / %.3f ms (%,d calls)", p50, p99, calls);
    }
  }

  /** Every floor against a daemon's HTTP endpoint at {@code base}, {@code seconds} each. */
  Map<String, Figure> against(URI base, double seconds) throws IOException, InterruptedException {
    Map<String, Figure> figures = new LinkedHashMap<>();
    URI messages = base.resolve("/weverywhere/v1/messages");
    figures.put(
        "JDK client, GET /health/live",
        time(seconds, () -> jdk(HttpRequest.newBuilder(base.resolve("/health/live")).GET())));
    figures.put(
        "JDK client, POST refused by JAX-RS (415)",
        time(seconds, () -> jdk(post(messages, "text/plain"))));
    figures.put(
        "JDK client, POST refused by the resource after its body (400)",
        time(seconds, () -> jdk(post(messages, "application/cose"))));
    try (RawClient raw = new RawClient(base)) {
      figures.put(
          "bare socket, GET /health/live",
          time(seconds, () -> raw.exchange("GET /health/live", null, null)));
      System.out.println(
          "  bare socket: "
              + raw.reopened
              + " connections reopened; first answer: "
              + raw.firstHead);
      raw.reopened = 0;
      raw.firstHead = null;
      figures.put(
          "bare socket, POST refused by the resource after its body (400)",
          time(
              seconds,
              () -> raw.exchange("POST /weverywhere/v1/messages", "application/cose", ONE_BYTE)));
      System.out.println(
          "  bare socket: "
              + raw.reopened
              + " connections reopened; first answer: "
              + raw.firstHead);
    }
    return figures;
  }

  /** The client's own floor: the JDK's HTTP server in this JVM answering 200 with no body. */
  Map<String, Figure> againstJdkServer(double seconds) throws IOException, InterruptedException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      Map<String, Figure> figures = new LinkedHashMap<>();
      figures.put(
          "JDK client, POST to the JDK's HTTP server (client floor)",
          time(seconds, () -> jdk(post(base, "application/cose"))));
      try (RawClient raw = new RawClient(base)) {
        figures.put(
            "bare socket, POST to the JDK's HTTP server",
            time(seconds, () -> raw.exchange("POST /", "application/cose", ONE_BYTE)));
      }
      return figures;
    } finally {
      server.stop(0);
    }
  }

  private static HttpRequest.Builder post(URI uri, String type) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(ONE_BYTE));
  }

  private int jdk(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Requests one after another for {@code seconds}; every answer must be a status. */
  private static Figure time(double seconds, IntSupplier exchange) {
    for (long end = System.nanoTime() + 1_000_000_000L; System.nanoTime() < end; ) {
      exchange.getAsInt(); // the JIT's turn, and the connection opened
    }
    long[] spans = new long[1 << 16];
    int n = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end && n < spans.length) {
      long start = System.nanoTime();
      int status = exchange.getAsInt();
      spans[n++] = System.nanoTime() - start;
      if (status < 200) {
        throw new IllegalStateException("no status: " + status);
      }
    }
    Arrays.sort(spans, 0, n);
    return new Figure(spans[n / 2] / 1e6, spans[(int) (n * 0.99)] / 1e6, n);
  }

  /**
   * HTTP/1.1 over one kept-alive socket, each request written in one segment ({@code TCP_NODELAY}),
   * each response read by its {@code Content-Length}: no client library at all.
   */
  private static final class RawClient implements AutoCloseable {
    private final URI base;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String host;

    /** Connections the server closed (a response saying so, or none at all): opened again. */
    int reopened;

    /** The first response's head, to read what the server says about the connection. */
    String firstHead;

    private StringBuilder head = new StringBuilder();

    RawClient(URI base) throws IOException {
      this.base = base;
      host = base.getHost() + ":" + base.getPort();
      open();
    }

    private void open() throws IOException {
      if (socket != null) {
        socket.close();
      }
      socket = new Socket(base.getHost(), base.getPort());
      socket.setTcpNoDelay(true);
      in = new java.io.BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    int exchange(String requestLine, String type, byte[] body) {
      try {
        StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: ");
        head.append(host).append("\r\n");
        if (body != null) {
          head.append("Content-Type: ").append(type).append("\r\n");
          head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + (body == null ? 0 : body.length));
        if (body != null) {
          System.arraycopy(body, 0, all, h.length, body.length);
        }
        out.write(all);
        out.flush();
        try {
          return readResponse();
        } catch (java.io.EOFException closed) { // closed with no response: once more, on a new one
          reopened++;
          open();
          out.write(all);
          out.flush();
          return readResponse();
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private int readResponse() throws IOException {
      String status = line();
      head.setLength(0);
      head.append(status);
      long length = 0;
      boolean chunked = false;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        head.append(" | ").append(header);
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        } else if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      if (chunked) {
        for (long size = Long.parseLong(line().strip(), 16); size > 0; ) {
          in.skipNBytes(size);
          line();
          size = Long.parseLong(line().strip(), 16);
        }
        line();
      } else {
        in.skipNBytes(length);
      }
      if (firstHead == null) {
        firstHead = head.toString();
      }
      if (close) {
        reopened++;
        open();
      }
      return Integer.parseInt(status.split(" ")[1]);
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new java.io.EOFException("the server closed the connection");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
