package org.weverywhere.protocol;

/**
 * The counters a session has accepted in one direction (RFC 6479's sliding window, as IPsec and
 * WireGuard keep it): the highest counter seen and a bitmap of the {@link #SIZE} below it. A
 * counter is new when it is above the highest, or within the window and not marked; anything older
 * is refused, so datagrams reordered by up to {@link #SIZE} messages still pass. Fixed size: 136
 * bytes whatever is sent.
 */
final class ReplayWindow {
  /** Counters below the highest that are still told apart. */
  static final int SIZE = 1024;

  private final long[] bits = new long[SIZE / 64];
  private long highest = -1;

  /** Whether {@code counter} was not accepted before and is not too old to tell. */
  synchronized boolean isNew(long counter) {
    if (counter < 0) {
      return false;
    }
    if (counter > highest) {
      return true;
    }
    if (highest - counter >= SIZE) {
      return false;
    }
    return (bits[slot(counter)] & mask(counter)) == 0;
  }

  /**
   * Accepts {@code counter}: true when it was new (and is now marked), false when it is a replay or
   * too old. Check and mark are one step, so two threads cannot both accept one counter.
   */
  synchronized boolean accept(long counter) {
    if (!isNew(counter)) {
      return false;
    }
    if (counter > highest) {
      long shift = highest < 0 ? SIZE : Math.min(SIZE, counter - highest);
      // clear the slots of the counters the window moves over: they have not been seen yet
      for (long c = counter; c > counter - shift && c > highest; c--) {
        bits[slot(c)] &= ~mask(c);
      }
      highest = counter;
    }
    bits[slot(counter)] |= mask(counter);
    return true;
  }

  /** The highest counter accepted, -1 before any. */
  synchronized long highest() {
    return highest;
  }

  private static int slot(long counter) {
    return (int) ((counter >>> 6) % (SIZE / 64));
  }

  private static long mask(long counter) {
    return 1L << (counter & 63);
  }
}
