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
              new HostQuota(2, 100 * MIB),
              Map.of(
                  "a", new GroupQuota(1, 60 * MIB, 50 * MIB, Duration.ofSeconds(1)),
                  "b", new GroupQuota(2, 60 * MIB, 50 * MIB, Duration.ofSeconds(1)))),
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

  /** Issue 13 item 10: a kept instance's memory counts in the totals with no slot, until released. */
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
}
