package org.weverywhere.daemon.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.weverywhere.protocol.WireLimits;

/**
 * The daemon's HTTP bulk channel for tests that run its beans under Weld SE, where Liberty does not
 * serve {@link BulkResource}: the JDK's HTTP server on 127.0.0.1 hands each body to the same verifier,
 * request handler and signer, with the same answers ({@link BulkAnswer}: 200 signed reply, 400 unverifiable, 413
 * too large; 415 for another Content-Type).
 */
public final class LoopbackBulkServer implements AutoCloseable {
  private final HttpServer server;

  private LoopbackBulkServer(HttpServer server) {
    this.server = server;
  }

  public static LoopbackBulkServer start(Endpoints endpoints, int port) throws IOException {
    return start(endpoints, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** On another address: a daemon in a network namespace of a test serves its veth address. */
  public static LoopbackBulkServer start(Endpoints endpoints, InetSocketAddress address) throws IOException {
    return start(new Parts() {
      @Override
      public org.weverywhere.protocol.Verifier verifier() {
        return endpoints.verifier();
      }

      @Override
      public RequestHandler handler() {
        return endpoints.handler();
      }

      @Override
      public org.weverywhere.protocol.MessageSigner signer() {
        return endpoints.signer();
      }
    }, address);
  }

  /** What answers a request: for a benchmark that builds many handlers without a whole daemon each. */
  public interface Parts {
    org.weverywhere.protocol.Verifier verifier();

    RequestHandler handler();

    org.weverywhere.protocol.MessageSigner signer();
  }

  public static LoopbackBulkServer start(Parts endpoints, InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/weverywhere/v1/messages", exchange -> {
      try (exchange) {
        answer(endpoints, exchange);
      }
    });
    server.start();
    return new LoopbackBulkServer(server);
  }

  private static void answer(Parts endpoints, HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    byte[] bytes;
    try (InputStream body = exchange.getRequestBody()) {
      bytes = body.readNBytes(WireLimits.HTTP.maxMessageBytes() + 1);
    }
    if (!String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).startsWith(BulkResource.MEDIA_TYPE)) {
      exchange.sendResponseHeaders(415, -1); // as JAX-RS answers a body its @Consumes does not take
      return;
    }
    BulkAnswer answer = BulkAnswer.of(endpoints.verifier(), endpoints.handler(), endpoints.signer(), bytes);
    exchange.getResponseHeaders().set(BulkAnswer.VERSIONS_HEADER, BulkAnswer.VERSIONS);
    send(exchange, answer.status(), answer.contentType(), answer.body());
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
