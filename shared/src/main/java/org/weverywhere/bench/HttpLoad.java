package org.weverywhere.bench;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.BulkConnection;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;

/**
 * One HTTP load worker: one request at a time on a kept-alive connection of its own to each target
 * ({@link BulkConnection}, as {@code wrk} holds one per unit of concurrency), the replies verified
 * by the shared {@link BulkClient}, so a run measures requests rather than TCP handshakes or the
 * JDK HTTP client's hand-offs between its threads. Run one per unit of concurrency, each on a
 * platform thread: the connection's reads block the thread, which then wakes without a hand-off.
 */
final class HttpLoad implements Callable<Tally> {
  private final List<Target> targets;
  private final int[] order;
  private final LoadWindow window;
  private final BulkClient bulk;
  private final Clock clock;

  /** The sessions requests are sealed in; null: every request is signed. */
  private final LoadSessions sessions;

  private long next;
  private final int stride;

  /** This worker's connection to each target, opened on its first request. */
  private final BulkConnection[] connections;

  HttpLoad(
      List<Target> targets,
      int[] order,
      LoadWindow window,
      BulkClient bulk,
      Clock clock,
      int offset,
      int stride,
      LoadSessions sessions) {
    this.targets = targets;
    this.order = order;
    this.window = window;
    this.bulk = bulk;
    this.clock = clock;
    this.sessions = sessions;
    this.next = offset;
    this.stride = stride;
    this.connections = new BulkConnection[targets.size()];
  }

  @Override
  public Tally call() {
    try {
      return load();
    } finally {
      for (BulkConnection connection : connections) {
        if (connection != null) {
          connection.close();
        }
      }
    }
  }

  private Tally load() {
    Tally tally = new Tally();
    for (long start = System.nanoTime(); window.mayStart(start); start = System.nanoTime()) {
      long k = next;
      next += stride; // workers interleave, so together they follow the mix's order
      int t = (int) (k % targets.size());
      int entry = order[(int) ((k / targets.size()) % order.length)];
      Target target = targets.get(t);
      boolean measured = window.measured(start);
      if (measured) {
        tally.countSent();
      }
      try {
        Header header = Header.fresh(target.audience(entry), clock.instant());
        Message request = RequestKey.keyed(target.requests().get(entry));
        byte[] wire =
            sessions == null
                ? bulk.signer().sign(header, request)
                : sessions.wire(target, header, request);
        if (connections[t] == null) {
          connections[t] =
              new BulkConnection(
                  target.http(),
                  bulk.connectTimeout(),
                  bulk.timeout(),
                  bulk.limits().maxMessageBytes());
        }
        BulkConnection.Answer answer = connections[t].post(wire);
        SignedMessage reply =
            bulk.reply(
                target.http().resolve(BulkClient.PATH),
                target.node(),
                header.id(),
                answer.status(),
                answer.body());
        long now = System.nanoTime();
        if (measured) {
          UdpLoad.classify(tally, reply.message(), now - start, now);
        }
      } catch (ProtocolException failed) {
        if (measured) {
          tally.failed(failed.reason().code(), System.nanoTime(), failed.getMessage());
        }
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
    }
    return tally;
  }
}
