package org.weverywhere.daemon.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.traffic.TrafficLedger;

/**
 * The daemon's HTTP bulk channel for tests that run its beans under Weld SE, where Liberty does not
 * serve {@link BulkResource}: the JDK's HTTP server on 127.0.0.1 hands each body to the same {@link
 * BulkExchange} as Liberty does, so the answers are the same (415 for another Content-Type, as
 * JAX-RS answers a body its {@code @Consumes} does not take).
 */
public final class LoopbackBulkServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;

  private LoopbackBulkServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  public static LoopbackBulkServer start(Endpoints endpoints, int port) throws IOException {
    return start(endpoints, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** On another address: a daemon in a network namespace of a test serves its veth address. */
  public static LoopbackBulkServer start(Endpoints endpoints, InetSocketAddress address)
      throws IOException {
    return start(endpoints.bulk(), address);
  }

  /**
   * What answers a request: for a benchmark that builds many handlers without a whole daemon each.
   */
  public interface Parts {
    Verifier verifier();

    RequestHandler handler();

    MessageSigner signer();

    TrafficLedger traffic();
  }

  /** The parts behind the daemon's own limits on unverified bodies, sources and work slots. */
  public static LoopbackBulkServer start(Parts parts, InetSocketAddress address)
      throws IOException {
    return start(
        new BulkExchange(
            parts.verifier(),
            parts.handler(),
            parts.signer(),
            new SourceLimiter(2_000, 4_000, 65_536, System::nanoTime),
            new BodyBudget(256L << 20, 1 << 20, 2),
            new FairSlots(64, 16),
            parts.traffic()),
        address);
  }

  private static LoopbackBulkServer start(BulkExchange bulk, InetSocketAddress address)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(
        "/weverywhere/v1/messages",
        exchange -> {
          try (exchange) {
            answer(bulk, exchange);
          }
        });
    // a pool of platform threads, as Liberty has: a paced reply must not hold up the others, and a
    // guest's CPU time is measured per platform thread (a virtual thread has none to measure)
    var threads =
        Executors.newCachedThreadPool(Thread.ofPlatform().name("bulk-http-", 0).daemon().factory());
    server.setExecutor(threads);
    server.start();
    return new LoopbackBulkServer(server, threads);
  }

  private static void answer(BulkExchange bulk, HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    if (!String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
        .startsWith(BulkResource.MEDIA_TYPE)) {
      exchange.getResponseHeaders().set(BulkExchange.VERSIONS_HEADER, BulkExchange.VERSIONS);
      exchange.sendResponseHeaders(415, -1);
      return;
    }
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    // the body is not closed before the reply: closing it would wait for bytes a refused body never
    // sends
    InputStream body = exchange.getRequestBody();
    var timeline = HttpRequestTimeline.enteredAt(System.nanoTime()); // as BulkResource does
    BulkExchange.Reply reply =
        bulk.exchange(
            exchange.getRemoteAddress().getAddress(),
            declared == null ? -1 : Long.parseLong(declared),
            body,
            timeline);
    exchange.getResponseHeaders().set("Content-Type", reply.type());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      reply.writeTo(out);
      timeline.written();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
