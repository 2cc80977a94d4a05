package org.weverywhere.traffic;

import java.util.HashMap;
import java.util.Map;

/**
 * A fixed number of request slots shared fairly by Signature Groups: while k groups hold slots, a
 * group may take one only while it holds fewer than {@code total / k}, and never more than {@code
 * total - reserve}, so a group that floods leaves free slots to a group that arrives. A group
 * refused a slot is told at once (no queue here: waiting is the executor's business).
 */
public final class FairSlots {
  private final int total;
  private final int reserve;
  private final Map<String, Integer> held = new HashMap<>();
  private int used;

  /**
   * @param total slots in all
   * @param reserve slots no single group may take, kept for the groups that are not flooding
   */
  public FairSlots(int total, int reserve) {
    if (total < 1 || reserve < 0 || reserve >= total) {
      throw new IllegalArgumentException("total " + total + ", reserve " + reserve);
    }
    this.total = total;
    this.reserve = reserve;
  }

  /**
   * Takes a slot for {@code group} if it is within its share now; a taken slot must be {@link
   * #release}d.
   */
  public synchronized boolean tryAcquire(String group) {
    int mine = held.getOrDefault(group, 0);
    if (used >= total || mine >= share(mine)) {
      return false;
    }
    held.put(group, mine + 1);
    used++;
    return true;
  }

  public synchronized void release(String group) {
    Integer mine = held.get(group);
    if (mine == null) {
      throw new IllegalStateException("group " + group + " holds no slot");
    }
    if (mine == 1) {
      held.remove(group);
    } else {
      held.put(group, mine - 1);
    }
    used--;
  }

  /**
   * The most one group may hold now: an equal part among the groups holding slots, itself included.
   */
  private int share(int mine) {
    int groups = held.size() + (mine == 0 ? 1 : 0);
    return Math.max(1, Math.min(total / groups, total - reserve));
  }

  public synchronized int held(String group) {
    return held.getOrDefault(group, 0);
  }

  public synchronized int used() {
    return used;
  }

  public int total() {
    return total;
  }
}
