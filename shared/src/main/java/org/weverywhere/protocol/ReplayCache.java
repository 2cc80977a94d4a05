package org.weverywhere.protocol;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * Remembers the ids of accepted messages for as long as their timestamps stay inside the accepted
 * window, in memory fixed at construction.
 *
 * <p>Ids are filed by their message's <em>timestamp</em> into {@value #BUCKETS} buckets, each
 * covering one period of {@code 2 × window / 7}. A replay carries the same signed timestamp as the
 * original, so a lookup reads one bucket. A bucket is wiped when a newer period claims it; by then
 * every id in it is stamped so long ago that the timestamp check refuses it anyway. Each bucket is
 * an open-addressing table of 128-bit ids (two {@code long}s per slot, load at most 3/4, keyed
 * hash, bounded probing), so neither memory nor work per lookup grows with traffic.
 *
 * <p>{@code capacity} is the number of ids the cache holds when messages arrive evenly over the
 * window; one period can take {@code 1.1 × capacity / 7}. Beyond that, messages stamped in a full
 * period are refused with {@link Reason#BUSY} rather than forgotten, because forgetting would admit
 * replays.
 */
public final class ReplayCache {
  static final int BUCKETS = 8;

  /**
   * Linear probing at load ≤ 3/4 rarely runs past a few dozen slots; this bounds the worst case.
   */
  private static final int MAX_PROBES = 512;

  /** Room for a period taking a little more than its even share (clock alignment, jitter). */
  private static final double SLACK = 1.1;

  private final long windowMillis;
  private final long periodMillis;
  private final int perBucket;
  private final int mask;
  private final long[][] slots;
  private final long[] epochs = new long[BUCKETS];
  private final int[] counts = new int[BUCKETS];
  private final long seedHigh;
  private final long seedLow;

  public ReplayCache(Duration window, int capacity) {
    if (window.isNegative() || window.isZero() || capacity < BUCKETS) {
      throw new IllegalArgumentException(
          "replay cache needs a positive window and a capacity of at least 8");
    }
    this.windowMillis = window.toMillis();
    this.periodMillis = Math.max(1, -Math.floorDiv(-2 * windowMillis, BUCKETS - 1));
    this.perBucket = (int) Math.ceil(SLACK * capacity / (BUCKETS - 1));
    int tableSlots = Integer.highestOneBit(Math.max(2, (int) Math.ceil(perBucket / 0.75)) - 1) << 1;
    this.mask = tableSlots - 1;
    this.slots = new long[BUCKETS][2 * tableSlots];
    Arrays.fill(epochs, Long.MIN_VALUE);
    SecureRandom random = new SecureRandom();
    this.seedHigh = random.nextLong() | 1;
    this.seedLow = random.nextLong() | 1;
  }

  /**
   * Records {@code id} stamped {@code timestamp}; throws {@code REPLAYED} when it was recorded
   * before, {@code BUSY} when its period is full, {@code STALE} when its period was already wiped
   * (the caller checks the window first, so that means a clock that jumped).
   */
  public void record(MessageId id, Instant timestamp) {
    long epoch = Math.floorDiv(timestamp.toEpochMilli(), periodMillis);
    int b = (int) Math.floorMod(epoch, (long) BUCKETS);
    synchronized (slots[b]) {
      if (epochs[b] > epoch) {
        throw new ProtocolException(
            Reason.STALE, "message " + id + " is older than the replay window");
      }
      if (epochs[b] < epoch) {
        Arrays.fill(slots[b], 0L);
        counts[b] = 0;
        epochs[b] = epoch;
      }
      long[] table = slots[b];
      int slot = probe(table, id);
      if (slot >= 0 && holds(table, slot, id)) {
        throw new ProtocolException(Reason.REPLAYED, "message " + id + " was seen before");
      }
      if (slot < 0 || counts[b] >= perBucket) {
        throw new ProtocolException(
            Reason.BUSY, "replay cache full for messages stamped around " + timestamp);
      }
      table[2 * slot] = id.high();
      table[2 * slot + 1] = id.low();
      counts[b]++;
    }
  }

  /**
   * Whether {@code id} stamped {@code timestamp} was recorded and is still remembered; records
   * nothing.
   */
  public boolean contains(MessageId id, Instant timestamp) {
    long epoch = Math.floorDiv(timestamp.toEpochMilli(), periodMillis);
    int b = (int) Math.floorMod(epoch, (long) BUCKETS);
    synchronized (slots[b]) {
      if (epochs[b] != epoch) {
        return false;
      }
      int slot = probe(slots[b], id);
      return slot >= 0 && holds(slots[b], slot, id);
    }
  }

  /**
   * The slot of {@code table} that holds {@code id}, or else the empty one where it would go; -1
   * when bounded probing met neither.
   */
  private int probe(long[] table, MessageId id) {
    int slot = slotOf(id);
    for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      if (holds(table, slot, id) || (table[2 * slot] == 0 && table[2 * slot + 1] == 0)) {
        return slot;
      }
    }
    return -1;
  }

  private static boolean holds(long[] table, int slot, MessageId id) {
    return table[2 * slot] == id.high() && table[2 * slot + 1] == id.low();
  }

  private int slotOf(MessageId id) {
    return (int) (mix(id.high() * seedHigh ^ Long.rotateLeft(id.low() * seedLow, 29)) & mask);
  }

  /** Bytes held by the tables (the cache's fixed memory, excluding a few object headers). */
  public long tableBytes() {
    return (long) BUCKETS * slots[0].length * Long.BYTES;
  }

  /** Ids the cache holds at least with an even arrival rate over the window. */
  public long capacity() {
    return (long) Math.floor(perBucket * (BUCKETS - 1) / SLACK);
  }

  public Duration window() {
    return Duration.ofMillis(windowMillis);
  }

  /** Murmur3's 64-bit finalizer: spreads every input bit over the slot index. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
