package org.weverywhere.daemon.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The daemon's HTTP bulk channel for tests that run its beans under Weld SE, where Liberty does not
 * serve {@link BulkResource}: the JDK's HTTP server on 127.0.0.1 hands each body to the same
 * {@link BulkExchange} as Liberty does, so the answers are the same.
 */
public final class LoopbackBulkServer implements AutoCloseable {
  private final HttpServer server;
  private final java.util.concurrent.ExecutorService threads;

  private LoopbackBulkServer(HttpServer server, java.util.concurrent.ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  public static LoopbackBulkServer start(Endpoints endpoints, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/weverywhere/v1/messages", exchange -> {
      try (exchange) {
        answer(endpoints, exchange);
      }
    });
    // a pool of platform threads, as Liberty has: a paced reply must not hold up the others, and a
    // guest's CPU time is measured per platform thread (a virtual thread has none to measure)
    var threads = java.util.concurrent.Executors.newCachedThreadPool(
        Thread.ofPlatform().name("bulk-http-", 0).daemon().factory());
    server.setExecutor(threads);
    server.start();
    return new LoopbackBulkServer(server, threads);
  }

  private static void answer(Endpoints endpoints, HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    // the body is not closed before the reply: closing it would wait for bytes a refused body never sends
    InputStream body = exchange.getRequestBody();
    BulkExchange.Reply reply = endpoints.bulk().exchange(exchange.getRemoteAddress().getAddress(),
        declared == null ? -1 : Long.parseLong(declared), body);
    exchange.getResponseHeaders().set("Content-Type", reply.type());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      reply.writeTo(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
