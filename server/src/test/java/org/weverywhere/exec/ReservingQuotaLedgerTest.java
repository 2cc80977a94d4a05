package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReservingQuotaLedgerTest {
  private static final long MIB = 1024 * 1024;
  private final ReservingQuotaLedger ledger =
      new ReservingQuotaLedger(
          new QuotaSettings(
              new HostLimits(2, 100 * MIB),
              Map.of(
                  "a", new GroupLimits(1, 60 * MIB, 50 * MIB, Duration.ofSeconds(1)),
                  "b", new GroupLimits(2, 60 * MIB, 50 * MIB, Duration.ofSeconds(1)))),
          1);

  private QuotaLedger.Lease granted(QuotaLedger.Admission admission) {
    return assertInstanceOf(QuotaLedger.Granted.class, admission, admission::toString).lease();
  }

  private Quota denied(QuotaLedger.Admission admission) {
    return assertInstanceOf(QuotaLedger.Denied.class, admission, admission::toString).quota();
  }

  @Test
  void aWaiterGetsTheSlotWhenItIsReleasedAndASecondWaiterIsRefused() throws Exception {
    QuotaLedger.Lease first = granted(ledger.admit("a", MIB, Duration.ZERO));
    CompletableFuture<QuotaLedger.Admission> waiter =
        CompletableFuture.supplyAsync(() -> ledger.admit("a", MIB, Duration.ofSeconds(5)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (denied(ledger.admit("a", MIB, Duration.ZERO)) != Quota.QUEUE_FULL
        && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // until the waiter is queued, a second one is refused as SLOT_WAIT
    }
    first.close();
    first.close(); // releases once
    granted(waiter.get(5, TimeUnit.SECONDS)).close();
    assertEquals(new QuotaLedger.Remaining(60 * MIB, 1, 1000), ledger.remaining("a"));
  }

  @Test
  void memoryIsCheckedPerExecutionPerGroupAndForTheHost() {
    assertEquals(Quota.MEMORY_PER_EXECUTION, denied(ledger.admit("a", 51 * MIB, Duration.ZERO)));
    QuotaLedger.Lease a = granted(ledger.admit("a", 50 * MIB, Duration.ZERO));
    QuotaLedger.Lease b = granted(ledger.admit("b", 40 * MIB, Duration.ZERO));
    assertEquals(Quota.GROUP_MEMORY, denied(ledger.admit("b", 30 * MIB, Duration.ZERO)));
    assertEquals(Quota.HOST_MEMORY, denied(ledger.admit("b", 20 * MIB, Duration.ZERO)));
    a.close();
    b.close();
    assertEquals(new QuotaLedger.Remaining(60 * MIB, 2, 1000), ledger.remaining("b"));
  }

  /**
   * Issue 13 item 10: a kept instance's memory counts in the totals with no slot, until released.
   */
  @Test
  void reservedMemoryCountsInTheTotalsWithoutASlotUntilReleased() {
    assertEquals(Quota.MEMORY_PER_EXECUTION, denied(ledger.reserve("a", 51 * MIB)));
    QuotaLedger.Lease kept = granted(ledger.reserve("a", 50 * MIB));
    assertEquals(new QuotaLedger.Held(0, 50 * MIB), ledger.held("a"));
    assertEquals(new QuotaLedger.Held(0, 50 * MIB), ledger.held(null));
    assertEquals(Quota.GROUP_MEMORY, denied(ledger.admit("a", 11 * MIB, Duration.ZERO)));
    assertEquals(Quota.GROUP_MEMORY, denied(ledger.reserve("a", 11 * MIB)));
    QuotaLedger.Lease b = granted(ledger.admit("b", 50 * MIB, Duration.ZERO));
    assertEquals(Quota.HOST_MEMORY, denied(ledger.admit("b", 1, Duration.ZERO)));
    // a call on the kept instance takes a slot and no more memory
    granted(ledger.admit("a", 0, Duration.ZERO)).close();
    kept.close();
    kept.close(); // releases once
    b.close();
    assertEquals(new QuotaLedger.Held(0, 0), ledger.held(null));
    assertEquals(new QuotaLedger.Remaining(60 * MIB, 1, 1000), ledger.remaining("a"));
  }

  @Test
  void slotWaitEndsAtItsDeadline() {
    QuotaLedger.Lease held = granted(ledger.admit("a", MIB, Duration.ZERO));
    assertEquals(Quota.SLOT_WAIT, denied(ledger.admit("a", MIB, Duration.ofMillis(50))));
    held.close();
  }

  @Test
  void aFloodingGroupHoldsOnlyItsShareOfTheQueueAndLeavesAFreedSlotToAnother() throws Exception {
    var fair =
        new ReservingQuotaLedger(
            new QuotaSettings(
                new HostLimits(2, 100 * MIB),
                Map.of(
                    "anonymous", new GroupLimits(2, 60 * MIB, 1 * MIB, Duration.ofSeconds(1)),
                    "friends", new GroupLimits(2, 60 * MIB, 1 * MIB, Duration.ofSeconds(1)))),
            4);
    QuotaLedger.Lease first = granted(fair.admit("anonymous", MIB, Duration.ZERO));
    QuotaLedger.Lease second = granted(fair.admit("anonymous", MIB, Duration.ZERO));
    var flood = new java.util.ArrayList<CompletableFuture<QuotaLedger.Admission>>();
    for (int i = 0; i < 3; i++) {
      flood.add(
          CompletableFuture.supplyAsync(
              () -> fair.admit("anonymous", MIB, Duration.ofSeconds(10)),
              java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Quota refusal = null;
    while (System.nanoTime() < deadline
        && (refusal = denied(fair.admit("anonymous", MIB, Duration.ZERO))) != Quota.QUEUE_FULL) {
      Thread.onSpinWait(); // until the three waiters are queued
    }
    assertEquals(Quota.QUEUE_FULL, refusal, "one group alone has three quarters of the queue");
    CompletableFuture<QuotaLedger.Admission> friend =
        CompletableFuture.supplyAsync(
            () -> fair.admit("friends", MIB, Duration.ofSeconds(10)),
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    // the slot is freed only once the friend waits: freed earlier, a flood waiter would take it
    // by right (nobody else waited), and the friend would then wait for a slot that never frees
    while (System.nanoTime() < deadline && fair.waiting("friends") == 0 && !friend.isDone()) {
      Thread.onSpinWait();
    }
    while (System.nanoTime() < deadline && fair.held("friends").slots() == 0 && !friend.isDone()) {
      first
          .close(); // the flooder's slot frees: the other group's waiter gets it, not the flooder's
      Thread.sleep(5);
    }
    QuotaLedger.Lease friends = granted(friend.get(5, TimeUnit.SECONDS));
    assertEquals(
        1, fair.held("anonymous").slots(), "no flood waiter took the slot while friends waited");
    friends.close();
    second.close();
    // the flood's waiters all run in the end, two at a time: each closes as it is granted
    var pending = new java.util.ArrayList<>(flood);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!pending.isEmpty() && System.nanoTime() < end) {
      var done = CompletableFuture.anyOf(pending.toArray(CompletableFuture[]::new));
      done.get(10, TimeUnit.SECONDS);
      for (var it = pending.iterator(); it.hasNext(); ) {
        var waiter = it.next();
        if (waiter.isDone()) {
          granted(waiter.get()).close();
          it.remove();
        }
      }
    }
    assertEquals(0, pending.size());
  }
}
