package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * Strangers' unverified bodies never take the room a Signature Group's key needs: they hold at most
 * three quarters of the budget, and their large bodies are counted apart from members' ones from
 * the same address.
 */
class BodyBudgetTest {
  private static final long MIB = 1 << 20;

  @Test
  void strangersLeaveAQuarterOfTheBudgetToMembers() throws Exception {
    var budget = new BodyBudget(12 * MIB, MIB, 4);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    var stranger = budget.reserve(a, 3 * MIB, false); // 9 MiB while verified: the strangers' share
    assertTrue(stranger.isPresent());
    assertTrue(budget.reserve(b, 1, false).isEmpty(), "no stranger gets more");
    var member = budget.reserve(b, MIB, true);
    assertTrue(member.isPresent(), "a member has the rest");
    assertTrue(budget.reserve(b, 1, true).isEmpty(), "and the whole is still the bound");
    stranger.get().close();
    member.get().close();
    assertEquals(0, budget.reserved());
  }

  @Test
  void aMembersLargeBodiesAreCountedApartFromStrangersFromItsAddress() throws Exception {
    var budget = new BodyBudget(256 * MIB, MIB, 1);
    InetAddress here = InetAddress.getLoopbackAddress();
    var flood = budget.reserve(here, 4 * MIB, false);
    assertTrue(flood.isPresent());
    assertTrue(budget.reserve(here, 4 * MIB, false).isEmpty(), "one large stranger's at once");
    var trusted = budget.reserve(here, 4 * MIB, true);
    assertTrue(trusted.isPresent(), "the address's strangers do not hold a member's place");
    trusted.get().close();
    flood.get().close();
    assertTrue(budget.reserve(here, 4 * MIB, false).isPresent(), "places are given back");
  }

  @Test
  void aGrowingBodyMeetsTheSameShares() throws Exception {
    var budget = new BodyBudget(12 * MIB, 64 * MIB, 4);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    try (var other = budget.reserve(b, 1024, false).orElseThrow();
        var grant = budget.reserve(a, 64 * 1024, false).orElseThrow()) {
      assertTrue(grant.growTo(3 * MIB - 1024), "up to the strangers' three quarters");
      assertTrue(!grant.growTo(3 * MIB), "beyond them, while another stranger's body holds room");
    }
    try (var alone = budget.reserve(a, 4 * MIB, false).orElseThrow()) {
      // the largest message must always be receivable: alone, a stranger's body may take all
      assertTrue(budget.reserve(b, 1, false).isEmpty(), "and then no other stranger's fits");
      assertTrue(alone.growTo(4 * MIB));
    }
  }
}
