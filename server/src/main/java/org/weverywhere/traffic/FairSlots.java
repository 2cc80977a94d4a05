package org.weverywhere.traffic;

import java.util.HashMap;
import java.util.Map;

/**
 * A fixed number of request slots shared fairly by Signature Groups, work-conserving: a group alone
 * may use every slot; while k groups hold slots, a group may take one only while it holds fewer
 * than {@code total / k}, and never more than {@code total - reserve}. A group that arrives while
 * another holds more than {@code total - reserve} (slots it took while it was alone) is admitted
 * within its share at once even so, in as many slots beyond the total as that group holds beyond
 * {@code total - reserve}: the lone group's borrowed slots are lent, not lost to the arrival, and
 * it takes no new slot until it is back within its share. So at most {@code total + reserve} slots
 * are held at any time, and a group that floods never keeps an arriving group out. A group refused
 * a slot is told at once (no queue here: waiting is the executor's business).
 */
public final class FairSlots {
  private final int total;
  private final int reserve;
  private final Map<String, Integer> held = new HashMap<>();
  private int used;

  /**
   * @param total slots in all while one group holds them
   * @param reserve slots no single group may hold while another group holds slots too: what an
   *     arriving group gets at once however many the others hold
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
    int others = held.size() - (mine > 0 ? 1 : 0);
    if (others == 0) {
      // alone: idle slots serve whoever asks (an arrival later still gets its share, see below)
      return take(group, mine, used < total);
    }
    int share = Math.max(1, Math.min(total / (others + 1), total - reserve));
    return take(group, mine, mine < share && used < total + lent());
  }

  private boolean take(String group, int mine, boolean allowed) {
    if (allowed) {
      held.put(group, mine + 1);
      used++;
    }
    return allowed;
  }

  /**
   * Slots one group holds beyond {@code total - reserve}: taken while it was alone, they do not
   * count against the others. At most one group can hold more than that (two would exceed the
   * total).
   */
  private int lent() {
    int most = 0;
    for (int n : held.values()) {
      most = Math.max(most, n);
    }
    return Math.max(0, most - (total - reserve));
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
