package org.weverywhere.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrafficLedgerTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  private TrafficLedger ledger(Map<String, TrafficQuota> groups, TrafficQuota host) {
    return new TrafficLedger(
        g -> groups.getOrDefault(g, TrafficQuota.UNLIMITED), host, Duration.ofDays(1), now::get);
  }

  @Test
  void aGroupOverItsRateIsRefusedWhileAnotherProceeds() {
    var ledger = ledger(Map.of("anonymous", new TrafficQuota(1000, 0)), TrafficQuota.UNLIMITED);
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("anonymous", 800));
    var refused = assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("anonymous", 800));
    assertEquals(TrafficLedger.Limit.GROUP_RATE, refused.limit());
    assertEquals("group anonymous is over its rate of 1000 bytes/s", refused.reason());
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("friends", 1_000_000));
  }

  @Test
  void theBucketRefillsWithTime() {
    var ledger = ledger(Map.of("g", new TrafficQuota(1000, 0)), TrafficQuota.UNLIMITED);
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 1000));
    assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("g", 500));
    now.addAndGet(SECOND / 2);
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 500));
  }

  @Test
  void repliesOverdrawTheBucketAndDelayTheNextRequest() {
    var ledger = ledger(Map.of("g", new TrafficQuota(1000, 0)), TrafficQuota.UNLIMITED);
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 100));
    ledger.charge("g", 2900); // a reply larger than the bucket: sent whole, owed afterwards
    assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("g", 1));
    now.addAndGet(2 * SECOND);
    assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("g", 100));
    now.addAndGet(SECOND + SECOND / 5);
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 100));
  }

  @Test
  void thePeriodBudgetCountsInAndOutAndResetsWithThePeriod() {
    var ledger = ledger(Map.of("g", new TrafficQuota(0, 10_000)), TrafficQuota.UNLIMITED);
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 4_000));
    ledger.charge("g", 5_000);
    assertEquals(9_000, ledger.usedThisPeriod("g"));
    var refused = assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("g", 2_000));
    assertEquals(TrafficLedger.Limit.GROUP_PERIOD, refused.limit());
    now.addAndGet(Duration.ofDays(1).toNanos());
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 2_000));
    assertEquals(2_000, ledger.usedThisPeriod("g"));
  }

  @Test
  void theHostLimitBindsAllGroupsTogether() {
    var ledger = ledger(Map.of(), new TrafficQuota(0, 1_000));
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("a", 600));
    var refused = assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("b", 600));
    assertEquals(TrafficLedger.Limit.HOST_PERIOD, refused.limit());
    assertEquals(0, ledger.usedThisPeriod("b"), "a refused request is not charged");
  }

  @Test
  void sourcesAreLimitedEachAndTheTableIsBounded() throws Exception {
    var limiter = new SourceLimiter(10, 5, 100, now::get);
    InetAddress flooder = InetAddress.getByName("127.0.0.2");
    int allowed = 0;
    for (int i = 0; i < 50; i++) {
      allowed += limiter.allow(flooder) ? 1 : 0;
    }
    assertEquals(5, allowed, "the burst, then nothing until tokens refill");
    assertEquals(
        true, limiter.allow(InetAddress.getByName("127.0.0.3")), "others are not affected");
    for (int i = 0; i < 1000; i++) {
      limiter.allow(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
    }
    assertEquals(100, limiter.tracked());
  }

  @Test
  void groupQuotasComeFromTheConfiguration() {
    var config =
        org.weverywhere.config.ConfigLoader.filesOnly()
            .load(java.nio.file.Path.of("/nonexistent-so-embedded"));
    TrafficQuota anonymous = TrafficBeans.of(config.group("anonymous").quota());
    assertEquals(256 * 1024, anonymous.bytesPerSecond());
    assertEquals(100L * 1024 * 1024, anonymous.periodBytes());
    assertEquals(TrafficQuota.UNLIMITED, TrafficBeans.of(config.group("no-such-group").quota()));
  }

  @Test
  void aFetchedModuleIsReservedAtAdmissionSoThePeriodIsNeverOverdrawn() {
    var ledger = ledger(Map.of("g", new TrafficQuota(0, 10_000)), TrafficQuota.UNLIMITED);
    var refused = assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("g", 100, 20_000));
    assertEquals(TrafficLedger.Limit.GROUP_PERIOD, refused.limit());
    assertEquals(0, ledger.usedThisPeriod("g"), "a refused fetch reserves nothing");
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 100, 8_000));
    assertEquals(8_100, ledger.usedThisPeriod("g"), "the reply is counted before it is sent");
    assertInstanceOf(
        TrafficLedger.Refused.class,
        ledger.admit("g", 100, 8_000),
        "a second module that would overdraw the period is refused before a byte of it is sent");
  }

  @Test
  void aReservedReplyIsPacedByTheRateNotSentAtOnce() {
    var ledger = ledger(Map.of("g", new TrafficQuota(1000, 0)), new TrafficQuota(1_000_000, 0));
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("g", 0, 5_000));
    long waited = 0;
    for (int chunk = 0; chunk < 5; chunk++) {
      long wait = ledger.pace("g", 1_000);
      waited += wait;
      now.addAndGet(wait);
    }
    // 5000 bytes at 1000 bytes/s, of which the first 1000 are the bucket's burst: 4 s of waiting
    assertEquals(4 * SECOND, waited, SECOND / 1000.0);
    assertInstanceOf(
        TrafficLedger.Refused.class, ledger.admit("g", 100), "the bucket is empty after the reply");
  }

  @Test
  void oneGroupCannotSpendAnotherGroupsShareOfTheHost() {
    var ledger = ledger(Map.of(), new TrafficQuota(10_000, 0));
    assertInstanceOf(TrafficLedger.Allowed.class, ledger.admit("b", 100)); // b is active too
    long flooded = 0;
    for (int i = 0; i < 100 && ledger.admit("a", 1_000) instanceof TrafficLedger.Allowed; i++) {
      flooded += 1_000;
    }
    assertEquals(5_000, flooded, "a gets half the host's second while two groups are active");
    var refused = assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("a", 1_000));
    assertEquals(TrafficLedger.Limit.HOST_RATE, refused.limit());
    assertInstanceOf(
        TrafficLedger.Allowed.class, ledger.admit("b", 4_000), "b's share is still there");
  }

  @Test
  void aGroupAloneMayUseTheWholeHostRate() {
    var ledger = ledger(Map.of(), new TrafficQuota(10_000, 0));
    long used = 0;
    for (int i = 0; i < 100 && ledger.admit("a", 1_000) instanceof TrafficLedger.Allowed; i++) {
      used += 1_000;
    }
    assertEquals(10_000, used);
  }

  @Test
  void refusedBytesAreChargedToTheirGroupNotToTheHost() {
    var ledger = ledger(Map.of("a", new TrafficQuota(1_000, 0)), new TrafficQuota(10_000, 0));
    ledger.chargeGroup("a", 50_000); // a refused flood
    assertInstanceOf(TrafficLedger.Refused.class, ledger.admit("a", 10));
    assertEquals(0, ledger.hostUsedThisPeriod());
    assertEquals(0, ledger.usedThisPeriod("a"), "a refusal does not use up the period budget");
    assertInstanceOf(
        TrafficLedger.Allowed.class, ledger.admit("b", 9_000), "the host's rate is untouched");
  }

  @Test
  void fairSlotsLeaveRoomForAGroupThatArrivesDuringAFlood() {
    var slots = new FairSlots(8, 2);
    for (int i = 0; i < 6; i++) {
      assertEquals(true, slots.tryAcquire("anonymous"));
    }
    assertEquals(true, slots.tryAcquire("friends"));
    assertEquals(true, slots.tryAcquire("friends"));
    assertEquals(
        false, slots.tryAcquire("anonymous"), "with two groups active, over its share of 4");
    slots.release("anonymous");
    slots.release("anonymous");
    assertEquals(
        false, slots.tryAcquire("anonymous"), "with two groups active, the flooder's share is 4");
    assertEquals(true, slots.tryAcquire("friends"));
    assertEquals(3, slots.held("friends"));
  }

  @Test
  void aGroupAloneUsesEverySlotAndAnArrivalStillGetsTheReserveAtOnce() {
    var slots = new FairSlots(8, 2);
    int flooder = 0;
    while (flooder < 100 && slots.tryAcquire("anonymous")) {
      flooder++;
    }
    assertEquals(8, flooder, "work-conserving: a group alone may use every slot");
    // the flood holds 2 beyond total - reserve: lent, so an arriving group gets them at once
    assertEquals(true, slots.tryAcquire("friends"));
    assertEquals(true, slots.tryAcquire("friends"));
    assertEquals(false, slots.tryAcquire("friends"), "no more than the flood's borrowed slots");
    assertEquals(10, slots.used(), "at most total + reserve at any time");
    slots.release("anonymous");
    assertEquals(false, slots.tryAcquire("anonymous"), "over its share, the flood takes no slot");
    assertEquals(false, slots.tryAcquire("friends"), "a slot the flood returns is not re-lent");
    for (int i = 0; i < 4; i++) {
      slots.release("anonymous");
    }
    assertEquals(3, slots.held("anonymous"));
    assertEquals(true, slots.tryAcquire("friends"), "within its share of 4 and the total");
    assertEquals(true, slots.tryAcquire("anonymous"), "the flood is back within its share");
    assertEquals(false, slots.tryAcquire("anonymous"), "4 at most each");
    assertEquals(7, slots.used());
  }

  @Test
  void aThirdGroupAdmittedWhileTheFloodsBorrowedSlotsAreOut() {
    var slots = new FairSlots(8, 2);
    while (slots.tryAcquire("anonymous")) {}
    assertEquals(true, slots.tryAcquire("friends"));
    assertEquals(true, slots.tryAcquire("partners"), "the second lent slot goes to the third");
    assertEquals(false, slots.tryAcquire("partners"));
    slots.release("friends");
    assertEquals(
        true, slots.tryAcquire("partners"), "the slot friends returned: still 10 held at most");
    assertEquals(10, slots.used());
  }
}
