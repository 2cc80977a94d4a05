package org.weverywhere.net;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;

/**
 * One request sent to several daemons at once, whatever a daemon is to the caller ({@code P}: the
 * CLI's peer, the explorer's). {@code wanted} of the candidates (in the order given, best first)
 * are asked; each attempt is handed on as it ends, so results stream. A daemon that refuses (an
 * error reply: it ran nothing) or stops answering gives its place to the next candidate not yet
 * asked, while one is left. No daemon is asked twice, and an abandoned attempt's late answer is
 * never counted, so a place never yields two results.
 */
public final class FanOut<P> {
  /** How one daemon's attempt ended. */
  public sealed interface Attempt<P> {
    P peer();

    long millis();
  }

  /** It answered with a result (which may say the guest failed). */
  public record Answered<P>(P peer, Message.Result result, long millis) implements Attempt<P> {}

  /** It answered with an error: nothing ran there. */
  public record Refused<P>(P peer, String code, String reason, long millis) implements Attempt<P> {}

  /** No answer, or the connection failed: it may have run and its result is lost. */
  public record Lost<P>(P peer, String reason, long millis) implements Attempt<P> {}

  /**
   * What happened, counted once the last attempt ended.
   *
   * @param wanted places asked for
   * @param succeeded places whose daemon completed the work successfully
   * @param attempts every attempt in the order they ended
   */
  public record Summary<P>(
      int wanted, int candidates, int succeeded, List<Attempt<P>> attempts, long millis) {
    public long count(Class<?> kind) {
      return attempts.stream().filter(kind::isInstance).count();
    }

    public boolean complete() {
      return succeeded == wanted;
    }
  }

  private final int maxInFlight;
  private final Duration bound;

  /**
   * @param maxInFlight requests outstanding at once (more places wait for one to end)
   * @param bound the longest the whole fan-out may take; attempts still running then are lost
   */
  public FanOut(int maxInFlight, Duration bound) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1");
    }
    this.maxInFlight = maxInFlight;
    this.bound = Objects.requireNonNull(bound);
  }

  /**
   * Sends to {@code wanted} of {@code candidates} with {@code send}, replacing refusals and losses,
   * and hands each ended attempt to {@code each} on the calling thread (so output never
   * interleaves).
   *
   * @param succeeded whether an answer counts as the work done
   */
  public Summary<P> run(
      List<P> candidates,
      int wanted,
      Function<P, Message.Result> send,
      java.util.function.Predicate<Message.Result> succeeded,
      Consumer<Attempt<P>> each) {
    long start = System.nanoTime();
    long deadline = start + bound.toNanos();
    Deque<P> left = new ArrayDeque<>(candidates);
    List<Attempt<P>> ended = new java.util.ArrayList<>();
    int places = Math.min(wanted, candidates.size());
    int open = places; // places with no successful or failed answer yet, and no attempt running
    int running = 0;
    int done = 0;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletionService<Attempt<P>> results = new ExecutorCompletionService<>(threads);
      java.util.Map<Future<Attempt<P>>, P> inFlight = new java.util.LinkedHashMap<>();
      while (true) {
        while (open > 0 && running < maxInFlight && !left.isEmpty()) {
          P peer = left.poll();
          inFlight.put(results.submit(() -> attempt(peer, send)), peer);
          open--;
          running++;
        }
        if (running == 0) {
          break;
        }
        Future<Attempt<P>> next;
        try {
          next = results.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
        if (next == null) {
          break; // out of time: what still runs is reported lost below
        }
        running--;
        inFlight.remove(next);
        Attempt<P> attempt = finished(next);
        ended.add(attempt);
        each.accept(attempt);
        if (attempt instanceof Answered<P> answered) {
          if (succeeded.test(answered.result())) {
            done++;
          }
        } else {
          open++; // a refusal or a loss leaves its place to the next candidate, if any is left
        }
      }
      threads.shutdownNow();
      // the attempts cut off by the bound: each is abandoned (a late answer is never read) and
      // reported once, as lost
      for (var cut : inFlight.entrySet()) {
        cut.getKey().cancel(true);
        Attempt<P> lost =
            new Lost<>(
                cut.getValue(), "no answer within " + bound.toMillis() + " ms", bound.toMillis());
        ended.add(lost);
        each.accept(lost);
      }
    }
    return new Summary<>(
        wanted,
        candidates.size(),
        done,
        List.copyOf(ended),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private static <P> Attempt<P> finished(Future<Attempt<P>> future) {
    try {
      return future.get();
    } catch (ExecutionException | InterruptedException impossible) {
      // attempt() turns every failure into an Attempt; reaching this is a bug in it
      throw new IllegalStateException("a fan-out attempt failed unexpectedly", impossible);
    }
  }

  private static <P> Attempt<P> attempt(P peer, Function<P, Message.Result> send) {
    long start = System.nanoTime();
    try {
      Message.Result result = send.apply(peer);
      return new Answered<>(peer, result, millisSince(start));
    } catch (ProtocolException failed) {
      return switch (failed.reason()) {
        case NO_ANSWER, TRANSPORT -> new Lost<>(peer, failed.getMessage(), millisSince(start));
        default ->
            new Refused<>(peer, failed.code().code(), failed.getMessage(), millisSince(start));
      };
    } catch (WeverywhereException refused) {
      // a typed error of the caller's own (e.g. an unexpected reply type): nothing ran
      return new Refused<>(peer, refused.code().code(), refused.getMessage(), millisSince(start));
    } catch (RuntimeException unexpected) {
      // a reporting boundary: one daemon's odd answer must not end the others' results
      return new Refused<>(
          peer,
          ErrorCode.PROTOCOL_REFUSED.code(),
          String.valueOf(unexpected.getMessage()),
          millisSince(start));
    }
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
