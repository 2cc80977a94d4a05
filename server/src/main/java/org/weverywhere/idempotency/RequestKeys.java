package org.weverywhere.idempotency;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.trust.Fingerprint;

/**
 * The request keys ({@code rk}) this daemon has seen, per signer, with what became of them: a
 * request still running, its kept result, or (once the result is too large or pushed out by the
 * byte bound) only the fact that it ran. Lets a retry of an {@code execute} or {@code call} be
 * answered without running it again, and lets a retry that arrives while the first attempt runs
 * wait for that attempt's result.
 *
 * <p>Bounded three ways: entries older than the window are forgotten; at most {@code entries} keys
 * (a quarter of them per signer, so one signer cannot push out the others'); at most {@code
 * maxBytes} of kept results, beyond which the oldest results are dropped but their keys kept (a
 * retry then gets {@code WE5061}, not a second run). A running request is never pushed out: when
 * only running ones are left, a new key is refused ({@link Full}).
 */
public final class RequestKeys {
  /** Bytes one entry costs besides its result: key, hash, map node, future. */
  static final long ENTRY_OVERHEAD = 200;

  private final Duration window;
  private final int maxEntries;
  private final int perSigner;
  private final long maxBytes;
  private final LongSupplier nanoTime;

  /** In the order keys were first seen: the oldest first, for expiry and eviction. */
  private final LinkedHashMap<Slot, Entry> entries = new LinkedHashMap<>();

  /**
   * Each signer's entries, oldest first too: a signer at its share pushes out its own oldest
   * finished entry without walking past everyone else's. Walking the whole map for it cost the
   * Liberty daemon a third of its CPU, and the other requests their turn at this lock, once the
   * store was full of other keys' results (docs/PERFORMANCE.md, issue 16).
   */
  private final Map<Fingerprint, LinkedHashMap<Slot, Entry>> bySigner = new HashMap<>();

  private long keptBytes;

  /**
   * @param window how long a finished entry is kept after it finished
   * @param maxEntries keys remembered at most, running and finished
   * @param maxBytes bytes of kept results at most; one result over a sixteenth of it is not kept
   */
  public RequestKeys(Duration window, int maxEntries, long maxBytes, LongSupplier nanoTime) {
    if (window.isNegative() || window.isZero() || maxEntries < 1 || maxBytes < 0) {
      throw new IllegalArgumentException("window, entries and bytes must be positive");
    }
    this.window = window;
    this.maxEntries = maxEntries;
    this.perSigner = Math.max(1, maxEntries / 4);
    this.maxBytes = maxBytes;
    this.nanoTime = Objects.requireNonNull(nanoTime);
  }

  public Duration window() {
    return window;
  }

  /** What a request with {@code key} from {@code signer} should do. */
  public sealed interface Claim permits First, Repeat, Conflict, Full {}

  /** The key is new: run the request, then {@link Ticket#finish} or {@link Ticket#release} it. */
  public record First(Ticket ticket) implements Claim {}

  /**
   * The key was seen with the same content: answer with {@code outcome} once it completes (at once
   * for a finished request), whose value is the kept reply, or empty when it ran but its result is
   * not kept. It completes exceptionally when the first attempt failed without a reply. {@code
   * alreadyWaiting} counts the attempts that came before this one while the first ran.
   */
  public record Repeat(
      CompletableFuture<Optional<Message>> outcome, boolean running, int alreadyWaiting)
      implements Claim {}

  /** The key was seen with other content: refuse. */
  public record Conflict() implements Claim {}

  /** Every remembered key belongs to a running request, or this signer has its share running. */
  public record Full(String why) implements Claim {}

  /** The right to run one keyed request, and the duty to say how it ended. */
  public final class Ticket {
    private final Slot slot;
    private final Entry entry;

    private Ticket(Slot slot, Entry entry) {
      this.slot = slot;
      this.entry = entry;
    }

    /**
     * It ran and {@code reply} is its answer: kept for retries (or only its key, when too large).
     */
    public void finish(Message reply, long replyBytes) {
      boolean keep = replyBytes <= maxBytes / 16;
      synchronized (RequestKeys.this) {
        entry.finishedAt = nanoTime.getAsLong();
        if (keep && entries.get(slot) == entry) {
          entry.bytes = replyBytes;
          keptBytes += replyBytes;
          dropResultsOverBytes();
        }
      }
      entry.first.complete(keep ? Optional.of(reply) : Optional.empty());
    }

    /**
     * It did not run (refused before executing): the key is free again, and attempts waiting for
     * this one get {@code reply} too.
     */
    public void release(Message reply) {
      forget();
      entry.first.complete(Optional.of(reply));
    }

    /**
     * It failed without a reply (e.g. the journal could not be written): waiting attempts fail too.
     */
    public void abandon(Throwable why) {
      forget();
      entry.first.completeExceptionally(why);
    }

    private void forget() {
      synchronized (RequestKeys.this) {
        if (entries.get(slot) == entry) {
          remove(slot, entry);
        }
      }
    }
  }

  /**
   * Claims {@code key} for {@code signer}'s request whose content hashes to {@code contentHash}
   * ({@link RequestKey#contentHash}).
   */
  public synchronized Claim claim(Fingerprint signer, RequestKey key, byte[] contentHash) {
    expire();
    Slot slot = new Slot(signer, key);
    Entry known = entries.get(slot);
    if (known != null) {
      if (!Arrays.equals(known.contentHash, contentHash)) {
        return new Conflict();
      }
      boolean running = !known.outcome.isDone();
      return new Repeat(known.outcome, running, running ? known.waiting++ : 0);
    }
    if (held(signer) >= perSigner && !evictOldestFinished(signer)) {
      return new Full("this signer has " + perSigner + " keyed requests running");
    }
    if (entries.size() >= maxEntries && !evictOldestFinished(null)) {
      return new Full(maxEntries + " keyed requests are running");
    }
    Entry entry = new Entry(contentHash.clone());
    add(slot, entry);
    return new First(new Ticket(slot, entry));
  }

  /**
   * Remembers a request that ran before this daemon started (its key found in the journal), with no
   * result to give: a retry gets {@code WE5061} instead of a second run; other content under the
   * key is a conflict. {@code age} is how long ago it finished; one older than the window, or one
   * the bounds have no room for, is not remembered. Returns whether it was.
   */
  public synchronized boolean remember(
      Fingerprint signer, RequestKey key, byte[] contentHash, Duration age) {
    Slot slot = new Slot(signer, key);
    if (age.compareTo(window) > 0
        || entries.containsKey(slot)
        || entries.size() >= maxEntries
        || held(signer) >= perSigner) {
      return false;
    }
    Entry entry = new Entry(contentHash.clone());
    entry.first.complete(Optional.empty());
    entry.finishedAt = nanoTime.getAsLong() - age.toNanos();
    add(slot, entry);
    return true;
  }

  /** Keys remembered now, running and finished. */
  public synchronized int size() {
    return entries.size();
  }

  /** Bytes of results kept now. */
  public synchronized long keptBytes() {
    return keptBytes;
  }

  private void expire() {
    long now = nanoTime.getAsLong();
    // oldest first; the sweep stops at the first entry still running or fresh, and those behind
    // it wait for a later sweep (the entry bound holds meanwhile)
    Iterator<Map.Entry<Slot, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Slot, Entry> next = it.next();
      Entry entry = next.getValue();
      if (entry.finishedAt == Long.MIN_VALUE || now - entry.finishedAt <= window.toNanos()) {
        return;
      }
      it.remove();
      dropped(next.getKey(), entry);
    }
  }

  /**
   * Removes the oldest finished entry (of {@code signer}, when given); false when all are running.
   */
  private boolean evictOldestFinished(Fingerprint signer) {
    // only running entries are passed over, and as many run as there are slots, not entries
    Map<Slot, Entry> among = signer == null ? entries : bySigner.getOrDefault(signer, EMPTY);
    for (Map.Entry<Slot, Entry> next : among.entrySet()) {
      if (next.getValue().finishedAt != Long.MIN_VALUE) {
        remove(next.getKey(), next.getValue());
        return true; // the loop ends here: its map has just changed
      }
    }
    return false;
  }

  private static final LinkedHashMap<Slot, Entry> EMPTY = new LinkedHashMap<>();

  private int held(Fingerprint signer) {
    LinkedHashMap<Slot, Entry> mine = bySigner.get(signer);
    return mine == null ? 0 : mine.size();
  }

  private void add(Slot slot, Entry entry) {
    entries.put(slot, entry);
    bySigner.computeIfAbsent(slot.signer(), s -> new LinkedHashMap<>()).put(slot, entry);
  }

  /**
   * Over the byte bound, the oldest results go; their keys stay, so their retries do not run again.
   */
  private void dropResultsOverBytes() {
    for (Iterator<Entry> it = entries.values().iterator(); keptBytes > maxBytes && it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.bytes > 0) {
        keptBytes -= entry.bytes;
        entry.bytes = 0;
        entry.outcome = CompletableFuture.completedFuture(Optional.empty());
      }
    }
  }

  private void remove(Slot slot, Entry entry) {
    entries.remove(slot);
    dropped(slot, entry);
  }

  private void dropped(Slot slot, Entry entry) {
    keptBytes -= entry.bytes;
    entry.bytes = 0;
    LinkedHashMap<Slot, Entry> mine = bySigner.get(slot.signer());
    if (mine != null && mine.remove(slot) != null && mine.isEmpty()) {
      bySigner.remove(slot.signer());
    }
  }

  private record Slot(Fingerprint signer, RequestKey key) {}

  private static final class Entry {
    final byte[] contentHash;

    /** Completed by the first attempt's ticket. */
    final CompletableFuture<Optional<Message>> first = new CompletableFuture<>();

    /**
     * What a repeat gets: {@link #first}, or an empty outcome once the result is dropped for the
     * byte bound.
     */
    CompletableFuture<Optional<Message>> outcome = first;

    long finishedAt = Long.MIN_VALUE;
    long bytes;

    /** Repeats that arrived while the first attempt ran. */
    int waiting;

    Entry(byte[] contentHash) {
      this.contentHash = contentHash;
    }
  }
}
