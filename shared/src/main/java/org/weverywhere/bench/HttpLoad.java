package org.weverywhere.bench;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;

/**
 * One HTTP load worker: one request at a time through the shared {@link BulkClient}, whose HTTP
 * client keeps its connections open between requests (as a user's client does), so a run measures
 * requests rather than TCP handshakes. Run one per unit of concurrency, on virtual threads.
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
  }

  @Override
  public Tally call() {
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
        SignedMessage reply =
            sessions == null
                ? bulk.verified(target.http(), target.node(), header, request)
                : bulk.verifiedWire(
                    target.http(),
                    target.node(),
                    header.id(),
                    sessions.wire(target, header, request));
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
