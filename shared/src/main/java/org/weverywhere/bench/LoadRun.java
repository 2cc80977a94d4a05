package org.weverywhere.bench;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.weverywhere.WeverywhereException;
import org.weverywhere.net.BulkClient;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;

/**
 * Runs a {@link LoadPlan} with the project's own client code (signer, verifier, {@link BulkClient})
 * and reports what the measured part of it saw. Over UDP, {@code threads} threads each keep their
 * share of the requests in flight on one socket; over HTTP, one virtual thread per unit of
 * concurrency sends through one shared HTTP client.
 */
public final class LoadRun {
  private final MessageSigner signer;
  private final Verifier verifier;
  private final BulkClient bulk;
  private final Clock clock;

  /** The sessions requests are sealed in; null: every request is signed. */
  private final LoadSessions sessions;

  public LoadRun(MessageSigner signer, Verifier verifier, BulkClient bulk, Clock clock) {
    this(signer, verifier, bulk, clock, null);
  }

  /**
   * A run that seals its requests in {@code sessions} (opened before, see {@link
   * LoadSessions#open}); {@code bulk} must hold the same sessions, to open the sealed replies.
   */
  public LoadRun(
      MessageSigner signer,
      Verifier verifier,
      BulkClient bulk,
      Clock clock,
      LoadSessions sessions) {
    this.signer = signer;
    this.verifier = verifier;
    this.bulk = bulk;
    this.clock = clock;
    this.sessions = sessions;
  }

  /** What a run saw: its merged tally and the measured seconds. */
  public record Report(LoadPlan plan, Tally tally, double seconds) {
    public double callsPerSecond() {
      return seconds > 0 ? tally.ok() / seconds : 0;
    }
  }

  public Report run(LoadPlan plan) {
    LoadWindow window =
        plan.requests() > 0
            ? LoadWindow.counted(plan.warmup(), plan.requests())
            : LoadWindow.timed(plan.warmup(), plan.duration());
    int[] order = plan.mix().order();
    List<java.util.concurrent.Callable<Tally>> loads = new ArrayList<>();
    ExecutorService pool;
    if (plan.transport() == LoadPlan.Transport.UDP) {
      for (int i = 0; i < plan.threads(); i++) {
        // the in-flight requests shared out: the first threads take one more when it does not
        // divide
        int slots =
            plan.concurrency() / plan.threads() + (i < plan.concurrency() % plan.threads() ? 1 : 0);
        loads.add(
            new UdpLoad(
                plan.targets(),
                order,
                window,
                signer,
                verifier,
                clock,
                plan.timeout(),
                slots,
                i * 7919,
                sessions));
      }
      pool =
          Executors.newFixedThreadPool(
              plan.threads(), Thread.ofPlatform().name("bench-udp-", 0).daemon().factory());
    } else {
      for (int i = 0; i < plan.concurrency(); i++) {
        loads.add(
            new HttpLoad(
                plan.targets(), order, window, bulk, clock, i, plan.concurrency(), sessions));
      }
      // platform threads: a virtual thread's blocking read waits for the JDK's poller thread to
      // wake it, one more hand-off per round trip (docs/PERFORMANCE.md, "HTTP path")
      pool =
          Executors.newThreadPerTaskExecutor(
              Thread.ofPlatform().name("bench-http-", 0).daemon().factory());
    }
    Tally total = new Tally();
    try (pool) {
      List<Future<Tally>> running = new ArrayList<>();
      for (var load : loads) {
        running.add(pool.submit(load));
      }
      for (Future<Tally> one : running) {
        total.add(one.get());
      }
    } catch (ExecutionException failed) {
      throw switch (failed.getCause()) {
        case WeverywhereException known -> known;
        case IOException io ->
            new ProtocolException(
                ProtocolException.Reason.TRANSPORT, "load thread: " + io.getMessage(), io);
        case RuntimeException bug -> bug;
        default -> new IllegalStateException(failed.getCause());
      };
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(ProtocolException.Reason.NO_ANSWER, "load run interrupted");
    }
    long end =
        total.lastAnswerNanos() == Long.MIN_VALUE ? System.nanoTime() : total.lastAnswerNanos();
    double seconds = Math.max(0, end - window.measureFrom()) / 1e9;
    return new Report(plan, total, seconds);
  }
}
