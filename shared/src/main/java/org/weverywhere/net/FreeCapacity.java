package org.weverywhere.net;

import java.util.Comparator;
import java.util.Map;

/**
 * What a daemon's describe "capacity" says it has free for the requester's group (PROTOCOL.md):
 * execution slots, unreserved memory, and the load average in thousandths when the requester may
 * observe. -1 means the daemon did not say (an older daemon, or one that did not answer). How
 * {@code run --spread} and the explorer's "spread" choose daemons.
 */
public record FreeCapacity(long slotsFree, long memoryFreeBytes, long loadMilli) {
  /** A daemon that said nothing: it goes last. */
  public static final FreeCapacity UNKNOWN = new FreeCapacity(-1, -1, -1);

  /** Most free slots first, then most free memory, then least load; what is unknown goes last. */
  public static final Comparator<FreeCapacity> BEST_FIRST =
      Comparator.comparingLong((FreeCapacity c) -> -c.slotsFree())
          .thenComparingLong(c -> -c.memoryFreeBytes())
          .thenComparingLong(c -> c.loadMilli() < 0 ? Long.MAX_VALUE : c.loadMilli());

  /** From a description's {@code host} map (asked with {@code what = ["capacity"]}). */
  public static FreeCapacity of(Map<String, Long> host) {
    return new FreeCapacity(
        host.getOrDefault("group-slots-free", -1L),
        host.getOrDefault("group-memory-free-bytes", -1L),
        host.getOrDefault("load-milli", -1L));
  }
}
