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
 *
 * <p>A body that names a Signature Group's key (unchecked: {@code EnvelopeHead}) is a member's:
 * strangers' bodies may hold at most three quarters of the budget together (one alone may take
 * more, so that the largest message can always be sent), and members' large bodies are counted
 * apart from strangers' from the same address, so a flood of strangers' bodies never leaves a group
 * key's request waiting for room.
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
  private long reservedByStrangers;
  private final Map<Sender, Integer> large = new HashMap<>();

  /** Whose large bodies are counted together: one address, members' apart from strangers'. */
  private record Sender(InetAddress source, boolean member) {}

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
    return reserve(source, bytes, false);
  }

  /**
   * As {@link #reserve(InetAddress, long)}, for a member's body ({@code member}: it names a
   * Signature Group's key) or a stranger's.
   */
  synchronized Optional<Grant> reserve(InetAddress source, long bytes, boolean member) {
    var sender = new Sender(source, member);
    long cost = bytes * COPIES_WHILE_VERIFYING;
    boolean isLarge = bytes >= largeBytes;
    if (!fits(cost, member, 0) || (isLarge && large.getOrDefault(sender, 0) >= largePerSource)) {
      return Optional.empty();
    }
    take(cost, member);
    if (isLarge) {
      large.merge(sender, 1, Integer::sum);
    }
    return Optional.of(new Grant(sender, cost, isLarge));
  }

  /** What strangers' bodies may hold together: the budget less a quarter kept for members. */
  long strangersBytes() {
    return totalBytes - totalBytes / 4;
  }

  /**
   * Whether {@code more} fits, for a body already holding {@code held}: a stranger's beyond the
   * strangers' share only while no other stranger's body holds room.
   */
  private boolean fits(long more, boolean member, long held) {
    if (reserved + more > totalBytes) {
      return false;
    }
    return member
        || reservedByStrangers - held == 0
        || reservedByStrangers + more <= strangersBytes();
  }

  private void take(long cost, boolean member) {
    reserved += cost;
    if (!member) {
      reservedByStrangers += cost;
    }
  }

  synchronized long reserved() {
    return reserved;
  }

  long totalBytes() {
    return totalBytes;
  }

  /** A body's room: held until it is verified (or refused), then given back by {@link #close}. */
  final class Grant implements AutoCloseable {
    private final Sender sender;
    private long cost;
    private boolean isLarge;
    private boolean closed;

    private Grant(Sender sender, long cost, boolean isLarge) {
      this.sender = sender;
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
        if (!fits(more, sender.member(), cost)
            || (becomesLarge && large.getOrDefault(sender, 0) >= largePerSource)) {
          return false;
        }
        take(more, sender.member());
        cost += more;
        if (becomesLarge) {
          isLarge = true;
          large.merge(sender, 1, Integer::sum);
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
        if (!sender.member()) {
          reservedByStrangers -= cost;
        }
        if (isLarge) {
          large.computeIfPresent(sender, (s, n) -> n == 1 ? null : n - 1);
        }
      }
    }
  }
}
