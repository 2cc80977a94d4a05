package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

class PeerMatcherTest {
  private final DiscoveredPeer alpha = peer("alpha", "127.0.0.1", 22341);
  private final DiscoveredPeer beta = peer("beta", "127.0.0.2", 22341);
  private final DiscoveredPeer gamma = peer("gamma", "127.0.0.1", 22342);
  private final List<DiscoveredPeer> found = List.of(alpha, beta, gamma);

  private static DiscoveredPeer peer(String name, String address, int port) {
    try {
      return new DiscoveredPeer(
          Fingerprint.of(Ed25519.generate().getPublic()),
          name,
          new InetSocketAddress(InetAddress.getByName(address), port),
          22341,
          List.of("math"));
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  @Test
  void findsADaemonByNodeIdWholeOrByAUniquePrefix() {
    String id = beta.node().toString();
    assertEquals(beta, PeerMatcher.match(id, found));
    assertEquals(beta, PeerMatcher.match(id.substring(0, "SHA256:".length() + 8), found));
    assertEquals(
        beta, PeerMatcher.match(id.substring("SHA256:".length(), "SHA256:".length() + 8), found));
  }

  @Test
  void findsADaemonByName() {
    assertEquals(gamma, PeerMatcher.match("gamma", found));
  }

  @Test
  void findsADaemonByHostAndPort() {
    assertEquals(gamma, PeerMatcher.match("127.0.0.1:22342", found));
    assertEquals(beta, PeerMatcher.match("127.0.0.2", found));
    assertEquals(alpha, PeerMatcher.match("[127.0.0.1]:22341", found));
  }

  @Test
  void aHostWithTwoDaemonsNeedsItsPort() {
    var ambiguous =
        assertThrows(CommandException.class, () -> PeerMatcher.match("127.0.0.1", found));
    assertEquals("WE5031", ambiguous.code().code());
    assertTrue(
        ambiguous.getMessage().startsWith("'127.0.0.1' matches 2 daemons: alpha ("),
        ambiguous.getMessage());
  }

  @Test
  void anUnknownPeerListsTheDaemonsThatAnswered() {
    var unknown = assertThrows(CommandException.class, () -> PeerMatcher.match("delta", found));
    assertEquals("WE5030", unknown.code().code());
    assertTrue(
        unknown.getMessage().startsWith("no daemon matches 'delta' among 3 that answered: alpha ("),
        unknown.getMessage());
    assertEquals(
        "WE5030",
        assertThrows(CommandException.class, () -> PeerMatcher.match("127.0.0.1:0", found))
            .code()
            .code());
    assertEquals(
        "WE5030",
        assertThrows(CommandException.class, () -> PeerMatcher.match("127.0.0.1:99999", found))
            .code()
            .code());
    // a prefix of three characters is too short to mean one node
    assertEquals(
        "WE5030",
        assertThrows(
                CommandException.class,
                () -> PeerMatcher.match(alpha.node().toString().substring(7, 10), found))
            .code()
            .code());
  }

  @Test
  void readsHostAndPortTheWaysPeopleWriteThem() {
    assertEquals(
        Optional.of(new PeerAddress("10.0.0.5", Optional.empty(), 22341)),
        PeerMatcher.hostPort("10.0.0.5:22341"));
    assertEquals(
        Optional.of(new PeerAddress("lab-7", Optional.empty(), 0)), PeerMatcher.hostPort("lab-7"));
    assertEquals(
        Optional.of(new PeerAddress("fe80::1", Optional.empty(), 0)),
        PeerMatcher.hostPort("fe80::1"));
    assertEquals(
        Optional.of(new PeerAddress("::1", Optional.empty(), 9000)),
        PeerMatcher.hostPort("[::1]:9000"));
    assertEquals(Optional.empty(), PeerMatcher.hostPort("[::1"));
    assertEquals(Optional.empty(), PeerMatcher.hostPort("host:http"));
    assertEquals(Optional.empty(), PeerMatcher.hostPort(":22341"));
    // the zone of a link-local address is kept: without it the address means nothing
    assertEquals(
        Optional.of(new PeerAddress("fe80::1", Optional.of("eth0"), 9000)),
        PeerMatcher.hostPort("[fe80::1%eth0]:9000"));
    assertEquals(
        Optional.of(new PeerAddress("fe80::1", Optional.of("eth0"), 0)),
        PeerMatcher.hostPort("fe80::1%eth0"));
  }

  @Test
  void addressesAndPortsAreAskedDirectlyButABareNameIsLookedForFirst() {
    assertTrue(PeerMatcher.explicit(PeerMatcher.hostPort("10.0.0.5").orElseThrow()));
    assertTrue(PeerMatcher.explicit(PeerMatcher.hostPort("lab-7:22341").orElseThrow()));
    assertTrue(PeerMatcher.explicit(PeerMatcher.hostPort("fe80::1").orElseThrow()));
    assertFalse(PeerMatcher.explicit(PeerMatcher.hostPort("lab-7").orElseThrow()));
  }
}
