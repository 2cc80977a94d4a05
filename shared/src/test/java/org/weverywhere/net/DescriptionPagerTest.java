package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

class DescriptionPagerTest {
  private static Message.Library library(String name, int hash) {
    byte[] sha = new byte[32];
    sha[31] = (byte) hash;
    return new Message.Library(name, "1", sha, 10, List.of());
  }

  @Test
  void followsNextToTheLastPageAndMergesInStoreOrder() {
    List<Optional<String>> asked = new ArrayList<>();
    var whole =
        DescriptionPager.collect(
            cursor -> {
              asked.add(cursor);
              return switch (cursor.orElse("first")) {
                case "first" ->
                    new Message.Description(
                        Map.of("cores", 2L),
                        List.of(library("zeta", 1)),
                        List.of(
                            new Message.Service(
                                "s",
                                "zeta",
                                Optional.empty(),
                                List.of(),
                                1,
                                1,
                                "running",
                                0,
                                Optional.empty())),
                        Optional.of("p2"));
                case "p2" ->
                    new Message.Description(
                        Map.of(),
                        List.of(library("alpha", 2), library("mid", 3)),
                        List.of(),
                        Optional.of("p3"));
                default ->
                    new Message.Description(Map.of(), List.of(library("beta", 4)), List.of());
              };
            });
    assertEquals(List.of(Optional.empty(), Optional.of("p2"), Optional.of("p3")), asked);
    assertEquals(
        List.of("alpha", "beta", "mid", "zeta"),
        whole.libraries().stream().map(Message.Library::name).toList());
    assertEquals(Map.of("cores", 2L), whole.host());
    assertEquals(1, whole.services().size());
    assertTrue(whole.next().isEmpty());
  }

  @Test
  void aDaemonThatRepeatsACursorIsNotFollowedForever() {
    var e =
        assertThrows(
            ProtocolException.class,
            () ->
                DescriptionPager.collect(
                    cursor ->
                        new Message.Description(
                            Map.of(), List.of(), List.of(), Optional.of("again"))));
    assertTrue(e.getMessage().contains("'again' came twice"), e.getMessage());
  }

  @Test
  void aDaemonWithEndlessPagesIsCutOff() {
    int[] pages = {0};
    var e =
        assertThrows(
            ProtocolException.class,
            () ->
                DescriptionPager.collect(
                    cursor ->
                        new Message.Description(
                            Map.of(), List.of(), List.of(), Optional.of("p" + pages[0]++))));
    assertEquals(DescriptionPager.MAX_PAGES, pages[0]);
    assertTrue(e.getMessage().contains("more than 10000 pages"), e.getMessage());
  }

  @Test
  void aPaddedDescribeIsAThirdOfADatagram() {
    var signer = new MessageSigner(Ed25519.generate());
    var client =
        new UdpClient(
            signer, Verifier.of(Clock.systemUTC(), Optional.empty(), 16), Clock.systemUTC());
    Fingerprint node = Fingerprint.of(Ed25519.generate().getPublic());
    for (Optional<String> cursor :
        List.of(Optional.<String>empty(), Optional.of("ab".repeat(32)))) {
      Message.Describe padded = client.padded(node, List.of("libraries"), cursor);
      int size =
          signer.sign(Header.fresh(Audience.node(node), Clock.systemUTC().instant()), padded)
              .length;
      assertTrue(size >= 400 && size < 410, "padded describe of " + size + " bytes");
      assertEquals(WireLimits.UDP_DATAGRAM_BYTES, WireLimits.maxUdpReply(size));
    }
  }
}
