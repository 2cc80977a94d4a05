package org.weverywhere.exec;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts slots and memory per group and for the host under one lock; waiters for a slot queue on
 * that lock, at most {@code queueMax} at a time.
 *
 * <p>Fair between groups: while k groups hold or wait for slots, a group may have at most a k-th of
 * the queue (and never more than three quarters of it), and while others wait it takes a freed host
 * slot only if it holds fewer than a k-th of the host's slots; so a group that floods the executor
 * cannot keep another group's executions waiting behind its own.
 */
public final class ReservingQuotaLedger implements QuotaLedger {
  private QuotaSettings settings;
  private final int queueMax;
  private final Map<String, Usage> groups = new HashMap<>();
  private final Usage host = new Usage();

  /** Memory of compiles in flight: the host's, not any group's (see {@link #reserveCompile}). */
  private final Usage compiling = new Usage();

  private int waiting;
  private final Map<String, Integer> waitingBy = new HashMap<>();

  /**
   * Admissions of {@code group} waiting for a slot now (for tests that must see a waiter queued).
   */
  synchronized int waiting(String group) {
    return waitingBy.getOrDefault(group, 0);
  }

  public ReservingQuotaLedger(QuotaSettings settings, int queueMax) {
    this.settings = settings;
    this.queueMax = queueMax;
  }

  @Override
  public synchronized GroupLimits quota(String group) {
    return settings.groups().get(group);
  }

  @Override
  public synchronized void update(QuotaSettings settings) {
    this.settings = settings;
    notifyAll(); // a waiter may fit under a larger limit now, or learn it never will
  }

  @Override
  public synchronized java.util.List<String> groups() {
    return java.util.List.copyOf(settings.groups().keySet());
  }

  @Override
  public synchronized Held held(String group) {
    Usage used = group == null ? host : groups.getOrDefault(group, new Usage());
    return new Held(used.slots, used.memory);
  }

  @Override
  public synchronized Admission admit(String group, long memoryBytes, Duration wait) {
    GroupLimits quota = quota(group);
    Denied unfit = unfit(group, quota, memoryBytes, "execution");
    if (unfit != null) {
      return unfit;
    }
    Usage used = groups.computeIfAbsent(group, g -> new Usage());
    long deadline = System.nanoTime() + wait.toNanos();
    boolean queued = false;
    try {
      while (true) {
        quota = quota(group); // a waiter meets the limits in force when it wakes
        if (quota == null) {
          return new Denied(Quota.UNKNOWN_GROUP, "group '" + group + "' has no quota on this host");
        }
        Denied memory = memoryDenial(group, quota, used, memoryBytes);
        if (memory != null) {
          return memory;
        }
        if (used.slots < quota.cores()
            && host.slots < settings.host().cores()
            && fairHostSlot(group, used)) {
          used.take(memoryBytes);
          host.take(memoryBytes);
          return new Granted(new HeldLease(used, memoryBytes, 1));
        }
        if (!queued) {
          if (waiting >= queueMax || waitingBy.getOrDefault(group, 0) >= queueShare(group)) {
            return new Denied(
                Quota.QUEUE_FULL,
                "all execution slots are busy (group '"
                    + group
                    + "': "
                    + used.slots
                    + " of "
                    + quota.cores()
                    + ", host: "
                    + host.slots
                    + " of "
                    + settings.host().cores()
                    + ") and "
                    + waiting
                    + " requests already wait ("
                    + waitingBy.getOrDefault(group, 0)
                    + " of group '"
                    + group
                    + "', its share is "
                    + queueShare(group)
                    + ")");
          }
          queued = true;
          waiting++;
          waitingBy.merge(group, 1, Integer::sum);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return new Denied(Quota.SLOT_WAIT, "no execution slot freed within " + wait);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Denied(Quota.SLOT_WAIT, "interrupted while waiting for an execution slot");
    } finally {
      if (queued) {
        waiting--;
        waitingBy.computeIfPresent(group, (g, n) -> n == 1 ? null : n - 1);
        notifyAll(); // a waiter held back for fairness may go now
      }
    }
  }

  @Override
  public synchronized Admission reserve(String group, long memoryBytes) {
    GroupLimits quota = quota(group);
    Denied unfit = unfit(group, quota, memoryBytes, "instance");
    if (unfit != null) {
      return unfit;
    }
    Usage used = groups.computeIfAbsent(group, g -> new Usage());
    Denied memory = memoryDenial(group, quota, used, memoryBytes);
    if (memory != null) {
      return memory;
    }
    used.memory += memoryBytes;
    host.memory += memoryBytes;
    return new Granted(new HeldLease(used, memoryBytes, 0));
  }

  @Override
  public synchronized Admission reserveCompile(String group, long memoryBytes) {
    if (quota(group) == null) {
      return new Denied(Quota.UNKNOWN_GROUP, "group '" + group + "' has no quota on this host");
    }
    if (host.memory + memoryBytes > settings.host().memoryTotal()) {
      return new Denied(
          Quota.HOST_MEMORY,
          "the host holds "
              + host.memory
              + " of "
              + settings.host().memoryTotal()
              + " bytes; "
              + memoryBytes
              + " more do not fit");
    }
    compiling.memory += memoryBytes;
    host.memory += memoryBytes;
    return new Granted(new HeldLease(compiling, memoryBytes, 0));
  }

  /** Groups holding or waiting for slots, {@code group} included. */
  private int activeGroups(String group) {
    int active = 0;
    boolean self = false;
    for (var entry : groups.entrySet()) {
      if (entry.getValue().slots > 0 || waitingBy.containsKey(entry.getKey())) {
        active++;
        self |= entry.getKey().equals(group);
      }
    }
    return self ? active : active + 1;
  }

  /** The queue places one group may hold now. */
  private int queueShare(String group) {
    return Math.max(1, Math.min(queueMax / activeGroups(group), queueMax - queueMax / 4));
  }

  /**
   * While another group waits, a group holding its k-th of the host's slots leaves a freed one to
   * it.
   */
  private boolean fairHostSlot(String group, Usage used) {
    boolean othersWait = waitingBy.keySet().stream().anyMatch(g -> !g.equals(group));
    return !othersWait || used.slots < Math.max(1, settings.host().cores() / activeGroups(group));
  }

  /**
   * Why {@code memoryBytes} can never be admitted for {@code group}, however long it waits (no
   * quota, or more than one {@code what} of it may have); null when it can.
   */
  private static Denied unfit(String group, GroupLimits quota, long memoryBytes, String what) {
    if (quota == null) {
      return new Denied(Quota.UNKNOWN_GROUP, "group '" + group + "' has no quota on this host");
    }
    if (memoryBytes > quota.memoryPerExecution()) {
      return new Denied(
          Quota.MEMORY_PER_EXECUTION,
          "needs "
              + memoryBytes
              + " bytes of memory, one "
              + what
              + " of group '"
              + group
              + "' may have "
              + quota.memoryPerExecution());
    }
    return null;
  }

  private Denied memoryDenial(String group, GroupLimits quota, Usage used, long memoryBytes) {
    if (used.memory + memoryBytes > quota.memoryTotal()) {
      return new Denied(
          Quota.GROUP_MEMORY,
          "group '"
              + group
              + "' holds "
              + used.memory
              + " of "
              + quota.memoryTotal()
              + " bytes; "
              + memoryBytes
              + " more do not fit");
    }
    if (host.memory + memoryBytes > settings.host().memoryTotal()) {
      return new Denied(
          Quota.HOST_MEMORY,
          "the host holds "
              + host.memory
              + " of "
              + settings.host().memoryTotal()
              + " bytes; "
              + memoryBytes
              + " more do not fit");
    }
    return null;
  }

  @Override
  public synchronized Remaining remaining(String group) {
    GroupLimits quota = quota(group);
    if (quota == null) {
      return new Remaining(0, 0, 0);
    }
    Usage used = groups.getOrDefault(group, new Usage());
    long memory =
        Math.min(quota.memoryTotal() - used.memory, settings.host().memoryTotal() - host.memory);
    int slots = Math.min(quota.cores() - used.slots, settings.host().cores() - host.slots);
    return new Remaining(
        Math.max(0, memory), Math.max(0, slots), quota.cpuTimePerExecution().toMillis());
  }

  private synchronized void release(Usage used, long memoryBytes, int slots) {
    used.give(memoryBytes, slots);
    host.give(memoryBytes, slots);
    notifyAll();
  }

  /** Slots and bytes in use. */
  private static final class Usage {
    int slots;
    long memory;

    void take(long bytes) {
      slots++;
      memory += bytes;
    }

    void give(long bytes, int slotsHeld) {
      slots -= slotsHeld;
      memory -= bytes;
    }
  }

  private final class HeldLease implements Lease {
    private final Usage used;
    private final long memoryBytes;

    /** 1 for an execution's lease, 0 for a kept instance's memory. */
    private final int slots;

    private boolean closed;

    HeldLease(Usage used, long memoryBytes, int slots) {
      this.used = used;
      this.memoryBytes = memoryBytes;
      this.slots = slots;
    }

    @Override
    public void close() {
      synchronized (ReservingQuotaLedger.this) {
        if (!closed) {
          closed = true;
          release(used, memoryBytes, slots);
        }
      }
    }
  }
}
