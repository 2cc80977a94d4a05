package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one peer address: written the ways people write it, refused with a reason otherwise. */
class PeerAddressTest {
  private static PeerAddress address(String host, String zone, int port) {
    return new PeerAddress(host, Optional.ofNullable(zone), port);
  }

  @Test
  void readsTheWaysPeopleWriteAddresses() {
    assertEquals(address("192.0.2.7", null, 22341), PeerAddress.parse("192.0.2.7:22341"));
    assertEquals(address("lab-7.example", null, 80), PeerAddress.parse(" Lab-7.Example:80 "));
    assertEquals(address("2001:db8::7", null, 1), PeerAddress.parse("[2001:DB8:0:0::7]:1"));
    assertEquals(address("fe80::1", "eth0", 22341), PeerAddress.parse("[fe80::1%eth0]:22341"));
    assertEquals(address("fe80::1", "3", 9), PeerAddress.parse("[fe80::1%3]:9"));
    assertEquals(address("fe80::1", "we-veth0", 0), PeerAddress.parse("fe80::1%we-veth0", 0));
    assertEquals(address("::1", null, 22341), PeerAddress.parse("[::1]", 22341));
    assertEquals(address("lab-7", null, 22341), PeerAddress.parse("lab-7", 22341));
    assertEquals(address("lab-7", null, 5), PeerAddress.parse("lab-7:5", 22341));
    assertEquals(address("10.0.0.1", null, 1), PeerAddress.parse("[10.0.0.1]:1"));
  }

  @Test
  void writesWhatItReads() {
    for (String text :
        new String[] {
          "192.0.2.7:22341", "[fe80::1%eth0]:22341", "[2001:db8::7]:1", "host.example:80", "[::1]:9"
        }) {
      assertEquals(text, PeerAddress.parse(text).toString());
      assertEquals(PeerAddress.parse(text), PeerAddress.parse(PeerAddress.parse(text).toString()));
    }
    assertEquals("[fe80::1%eth0]", PeerAddress.parse("fe80::1%eth0", 0).toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| empty peer address",
        "'   '| empty peer address",
        "[fe80::1:22341| peer address '[fe80::1:22341': no ']' closes the '['",
        "fe80::1]:22341| peer address 'fe80::1]:22341': a ']' without '['",
        "[[::1]]:1| peer address '[[::1]]:1': more than one pair of brackets",
        "[::1]]:1| peer address '[::1]]:1': more than one pair of brackets",
        "[::1][::2]:1| peer address '[::1][::2]:1': more than one pair of brackets",
        "[::1]x| peer address '[::1]x': expected ':PORT' after ']', found 'x'",
        "[::1]:| peer address '[::1]:': no port after ':'",
        "host:| peer address 'host:': no port after ':'",
        ":22341| peer address ':22341': no host",
        "[]:1| peer address '[]:1': no host",
        "host:0| peer address 'host:0': port 0 is not 1 to 65535",
        "host:65536| peer address 'host:65536': port 65536 is not 1 to 65535",
        "host:99999999999| peer address 'host:99999999999': port '99999999999' is not a number from 1 to 65535",
        "host:-1| peer address 'host:-1': port '-1' is not a number from 1 to 65535",
        "host:+80| peer address 'host:+80': port '+80' is not a number from 1 to 65535",
        "host:http| peer address 'host:http': port 'http' is not a number from 1 to 65535",
        "host: 80| peer address 'host: 80': port ' 80' is not a number from 1 to 65535",
        "[fe80::1%]:1| peer address '[fe80::1%]:1': empty zone after '%'",
        "[fe80::1%a b]:1| peer address '[fe80::1%a b]:1': zone 'a b' is not an interface name or number",
        "[fe80::1%eth0%1]:1| peer address '[fe80::1%eth0%1]:1': zone 'eth0%1' is not an interface name or number",
        "10.0.0.1%eth0:1| peer address '10.0.0.1%eth0:1': a zone (%eth0) belongs only to an IPv6 address",
        "host%eth0:1| peer address 'host%eth0:1': a zone (%eth0) belongs only to an IPv6 address",
        "[example.org]:1| peer address '[example.org]:1': brackets hold an IP address, not 'example.org'",
        "[300.0.0.1]:1| peer address '[300.0.0.1]:1': '300.0.0.1' is not an IPv4 address (a part above 255)",
        "[fe80::g]:1| peer address '[fe80::g]:1': 'fe80::g' is not an IPv6 address",
        "[1:2:3:4:5:6:7:8:9]:1| peer address '[1:2:3:4:5:6:7:8:9]:1': '1:2:3:4:5:6:7:8:9' is not an IPv6 address",
        "[:::]:1| peer address '[:::]:1': ':::' is not an IPv6 address",
        "bad_host:1| peer address 'bad_host:1': 'bad_host' is not a host name or IP address",
        "-lead:1| peer address '-lead:1': '-lead' is not a host name or IP address",
        "300.1.1.1:1| peer address '300.1.1.1:1': '300.1.1.1' is not an IPv4 address (a part above 255)",
        "a b:1| peer address 'a b:1': 'a b' is not a host name or IP address",
        "fe80::1| peer address 'fe80::1': an IPv6 address with a port is written [fe80::1]:PORT",
        "example.org| peer address 'example.org': no port (host:port or [IPv6]:port, e.g. 192.0.2.7:22341)",
      })
  void refusesWithAReason(String text, String reason) {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse(text));
    assertEquals(reason, refused.getMessage());
  }

  @Test
  void hostileTextIsBoundedAndPrintable() {
    String huge = "a".repeat(100_000) + ":1";
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse(huge));
    assertTrue(refused.getMessage().length() < 200, refused.getMessage());
    assertTrue(refused.getMessage().endsWith("longer than any peer address (100002 characters)"));
    IllegalArgumentException control =
        assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse("ho\u0000st\n:1"));
    assertFalse(control.getMessage().contains("\n"), control.getMessage());
    assertTrue(control.getMessage().contains("\\x00"), control.getMessage());
  }

  @Test
  void theZoneOfASenderIsKept() throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    // lo has no link-local address here, so the sender's zone is its number (as Java gives it)
    var linkLocal =
        Inet6Address.getByAddress(
            null, InetAddress.getByName("fe80::1").getAddress(), lo.getIndex());
    PeerAddress heard = PeerAddress.of(new InetSocketAddress(linkLocal, 22341));
    assertEquals(address("fe80::1", Integer.toString(lo.getIndex()), 22341), heard);
    assertEquals(URI.create("http://[fe80::1%" + lo.getIndex() + "]:8080"), heard.http(8080));
    Inet6Address back = (Inet6Address) heard.socketAddress().getAddress();
    assertEquals(lo.getIndex(), back.getScopeId());
    // a zone given by name goes into a URI as the interface's number, which the JDK accepts
    assertEquals(
        URI.create("http://[fe80::1%" + lo.getIndex() + "]:80"),
        PeerAddress.parse("[fe80::1%" + lo.getName() + "]:1").http(80));
    assertEquals(
        URI.create("http://192.0.2.7:80"),
        PeerAddress.of(new InetSocketAddress("192.0.2.7", 9)).http(80));
    assertEquals(
        URI.create("http://[2001:db8::7]:80"),
        PeerAddress.of(new InetSocketAddress("2001:db8:0::7", 9)).http(80));
  }

  @Test
  void aZoneNamingNoInterfaceIsSaidWhenUsed() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> PeerAddress.parse("[fe80::1%we-none0]:1").http(80));
    assertEquals("zone %we-none0: this host has no interface 'we-none0'", refused.getMessage());
  }

  /** Whatever the text, parsing gives an address that reads back as itself, or a reason. */
  @Property(tries = 3000)
  void anyTextGivesAnAddressOrAReason(@ForAll("addressLike") String text) {
    PeerAddress parsed;
    try {
      parsed = PeerAddress.parse(text, 0);
    } catch (IllegalArgumentException refused) {
      assertTrue(
          refused.getMessage().startsWith("peer address '")
              || refused.getMessage().equals("empty peer address"),
          refused.getMessage());
      return;
    }
    assertEquals(parsed, PeerAddress.parse(parsed.toString(), 0));
    assertTrue(parsed.port() >= 0 && parsed.port() <= 65535);
  }

  @Provide
  Arbitrary<String> addressLike() {
    return Arbitraries.strings()
        .withChars("[]:%.0123456789abcdefABCDEF-_ xyz/\u0000\u00e9")
        .ofMaxLength(60);
  }
}
