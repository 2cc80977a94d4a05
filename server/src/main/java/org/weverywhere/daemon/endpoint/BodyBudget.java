package org.weverywhere.daemon.endpoint;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Memory for HTTP request bodies whose signature is not checked yet, for all senders together: a
 * body is read only into room reserved here, a large one only while its source has fewer than
 * {@code largePerSource} large bodies in flight. Anyone can send a body, so without this bound a
 * few dozen unverifiable 64 MiB posts would take gigabytes before one signature fails.
 */
final class BodyBudget {
  /**
   * What verifying holds besides the body: COSE's payload and the structure the signature covers.
   */
  static final int COPIES_WHILE_VERIFYING = 3;

  private final long totalBytes;
  private final long largeBytes;
  private final int largePerSource;
  private long reserved;
  private final Map<InetAddress, Integer> large = new HashMap<>();

  /**
   * @param totalBytes memory all unverified bodies may hold at once ({@code
   *     http.unverified.max-total})
   * @param largeBytes from this size on, a body counts against its source's large-body limit
   * @param largePerSource large bodies one source address may have in flight ({@code
   *     http.unverified.large-per-source})
   */
  BodyBudget(long totalBytes, long largeBytes, int largePerSource) {
    this.totalBytes = totalBytes;
    this.largeBytes = largeBytes;
    this.largePerSource = largePerSource;
  }

  /**
   * Room for a body of {@code bytes} from {@code source}, or empty when the budget or the source's
   * share is used up.
   */
  synchronized Optional<Grant> reserve(InetAddress source, long bytes) {
    long cost = bytes * COPIES_WHILE_VERIFYING;
    boolean isLarge = bytes >= largeBytes;
    if (reserved + cost > totalBytes
        || (isLarge && large.getOrDefault(source, 0) >= largePerSource)) {
      return Optional.empty();
    }
    reserved += cost;
    if (isLarge) {
      large.merge(source, 1, Integer::sum);
    }
    return Optional.of(new Grant(source, cost, isLarge));
  }

  synchronized long reserved() {
    return reserved;
  }

  long totalBytes() {
    return totalBytes;
  }

  /** A body's room: held until it is verified (or refused), then given back by {@link #close}. */
  final class Grant implements AutoCloseable {
    private final InetAddress source;
    private long cost;
    private boolean isLarge;
    private boolean closed;

    private Grant(InetAddress source, long cost, boolean isLarge) {
      this.source = source;
      this.cost = cost;
      this.isLarge = isLarge;
    }

    /**
     * Grows the room to {@code bytes} of body (a body sent without a length), if the budget allows.
     */
    boolean growTo(long bytes) {
      synchronized (BodyBudget.this) {
        long more = bytes * COPIES_WHILE_VERIFYING - cost;
        boolean becomesLarge = !isLarge && bytes >= largeBytes;
        if (more <= 0) {
          return true;
        }
        if (reserved + more > totalBytes
            || (becomesLarge && large.getOrDefault(source, 0) >= largePerSource)) {
          return false;
        }
        reserved += more;
        cost += more;
        if (becomesLarge) {
          isLarge = true;
          large.merge(source, 1, Integer::sum);
        }
        return true;
      }
    }

    @Override
    public void close() {
      synchronized (BodyBudget.this) {
        if (closed) {
          return;
        }
        closed = true;
        reserved -= cost;
        if (isLarge) {
          large.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
        }
      }
    }
  }
}
