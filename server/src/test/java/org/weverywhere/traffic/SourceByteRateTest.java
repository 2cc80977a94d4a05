package org.weverywhere.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A stranger's large unverified bodies are taken at a byte rate per source, debt included. */
class SourceByteRateTest {
  private static final long MIB = 1 << 20;
  private final AtomicLong now = new AtomicLong(5_000_000_000L);

  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void aBodyOfAnySizePassesAfterAPauseAndTheNextWaitsOutTheDebt() throws Exception {
    var rate = new SourceByteRate(MIB, 2 * MIB, 10, now::get);
    InetAddress a = address("192.0.2.1");
    assertEquals(0, rate.admit(a, 8 * MIB), "the first body, larger than the burst, is taken");
    long wait = rate.admit(a, 1);
    assertEquals(6_000_000_000L, wait, 1_000_000, "6 MiB of debt at 1 MiB/s");
    now.addAndGet(wait - 1_000_000);
    assertTrue(rate.admit(a, 1) > 0, "still in debt");
    now.addAndGet(2_000_000);
    assertEquals(0, rate.admit(a, 4 * MIB));
  }

  @Test
  void sourcesAreApartAndARefusalChargesNothing() throws Exception {
    var rate = new SourceByteRate(MIB, MIB, 10, now::get);
    InetAddress a = address("192.0.2.1");
    InetAddress b = address("192.0.2.2");
    assertEquals(0, rate.admit(a, 3 * MIB));
    long wait = rate.admit(a, 64 * MIB);
    assertEquals(0, rate.admit(b, MIB), "another source is not in a's debt");
    assertEquals(wait, rate.admit(a, 64 * MIB), "a refused body added no debt");
  }

  @Test
  void theTableIsBounded() throws Exception {
    var rate = new SourceByteRate(MIB, MIB, 2, now::get);
    rate.admit(address("192.0.2.1"), 10 * MIB);
    rate.admit(address("192.0.2.2"), 10 * MIB);
    rate.admit(address("192.0.2.3"), 10 * MIB);
    // the least recently seen was forgotten: it starts afresh (a spoofed-address flood costs
    // fixed memory, at the price of forgetting the oldest debts)
    assertEquals(0, rate.admit(address("192.0.2.1"), MIB));
  }
}
