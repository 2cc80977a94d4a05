package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;

/**
 * Discovery across a real link: a bridge of our own (multicast snooping off) in this namespace, a
 * network namespace on it through a veth pair, a responder process inside the namespace. IPv4
 * (239.255.87.69) and IPv6 (ff02::5745) are each checked alone. Needs root and iproute2; skipped
 * with the reason otherwise. Everything created is deleted afterwards, whatever happened.
 */
class NamespaceDiscoveryTest {
  private final String tag = Long.toString(ProcessHandle.current().pid() % 100000, 36);
  private final String namespace = "we-ns-" + tag;
  private final String bridge = "we-br-" + tag;
  private final String vethHost = "we-vh-" + tag;
  private final String vethSpace = "we-vn-" + tag;
  private Process responder;
  private String responderFingerprint;

  @BeforeEach
  void link() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean ip =
        Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"));
    if (!root || !ip) {
      System.out.println(
          "NamespaceDiscoveryTest skipped: needs root and iproute2 (root="
              + root
              + ", ip="
              + ip
              + ")");
    }
    assumeTrue(root && ip, "needs root and iproute2 to create network namespaces");
    cleanUp(); // a previous run killed mid-way may have left these names behind
    boolean ready =
        run("ip", "netns", "add", namespace)
            && run("ip", "link", "add", bridge, "type", "bridge", "mcast_snooping", "0")
            && run("sysctl", "-qw", "net.ipv6.conf." + bridge + ".accept_dad=0")
            && run("ip", "link", "add", vethHost, "type", "veth", "peer", "name", vethSpace)
            && run("ip", "link", "set", vethHost, "master", bridge)
            && run("ip", "link", "set", vethSpace, "netns", namespace)
            && run(
                "ip",
                "netns",
                "exec",
                namespace,
                "sysctl",
                "-qw",
                "net.ipv6.conf." + vethSpace + ".accept_dad=0")
            && run("ip", "addr", "add", "10.57.69.1/24", "dev", bridge)
            && run(
                "ip",
                "netns",
                "exec",
                namespace,
                "ip",
                "addr",
                "add",
                "10.57.69.2/24",
                "dev",
                vethSpace)
            && run("ip", "link", "set", vethHost, "up")
            && run("ip", "link", "set", bridge, "up")
            && run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up")
            && run("ip", "netns", "exec", namespace, "ip", "link", "set", vethSpace, "up");
    if (!ready) {
      System.out.println(
          "NamespaceDiscoveryTest skipped: this kernel or container refused the namespace setup");
    }
    assumeTrue(ready, "could not create the namespace, bridge and veth pair");
    // both ends need a usable IPv6 link-local address before IPv6 multicast can flow
    for (int i = 0;
        i < 50
            && !(linkLocal(List.of("ip", "-6", "addr", "show", "dev", bridge))
                && linkLocal(
                    List.of(
                        "ip", "netns", "exec", namespace, "ip", "-6", "addr", "show", "dev",
                        vethSpace)));
        i++) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (responder != null) {
      responder.getOutputStream().close();
      if (!responder.waitFor(5, TimeUnit.SECONDS)) {
        responder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      responder = null;
    }
    run("ip", "link", "del", vethHost);
    run("ip", "link", "del", bridge);
    run("ip", "netns", "del", namespace);
  }

  @Test
  void discoverCrossesTheLinkOnIpv4AndOnIpv6() throws Exception {
    int port = 40000 + (int) (ProcessHandle.current().pid() % 20000);
    startResponder(port);
    NetworkInterface nic = NetworkInterface.getByName(bridge);
    for (boolean v6 : new boolean[] {false, true}) {
      // each family alone: the other group points at an address nobody joined
      MulticastGroups groups =
          v6
              ? MulticastGroups.of("239.255.87.70", "ff02::5745", port)
              : MulticastGroups.of("239.255.87.69", "ff02::5746", port);
      Discovery discovery =
          new Discovery(
              new MessageSigner(Ed25519.generate()),
              Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
              groups,
              List.of(nic),
              1,
              Clock.systemUTC());
      List<Announcement> found = new ArrayList<>();
      for (int attempt = 0;
          attempt < 5 && found.isEmpty();
          attempt++) { // UDP may drop the first datagrams
        found.addAll(discovery.discover(Duration.ofSeconds(2), 1, a -> {}).answers());
      }
      String family = v6 ? "IPv6" : "IPv4";
      assertEquals(1, found.size(), "no announce over " + family);
      assertEquals(responderFingerprint, found.get(0).node().toString(), family);
      assertTrue(
          v6
              ? found.get(0).from().getAddress() instanceof Inet6Address
              : found.get(0).from().getAddress() instanceof Inet4Address,
          family + " answer from " + found.get(0).from());
      assertEquals("in-namespace", found.get(0).announce().name());
    }
  }

  private void startResponder(int port) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    responder =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                namespace,
                java,
                "-cp",
                System.getProperty("java.class.path"),
                TestResponderMain.class.getName(),
                Integer.toString(port),
                vethSpace,
                "in-namespace")
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(responder.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // bounded: the child prints READY or dies within its 60 s
    assertTrue(line != null && line.startsWith("READY "), "responder did not start: " + line);
    responderFingerprint = line.substring("READY ".length());
  }

  private static boolean linkLocal(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(5, TimeUnit.SECONDS);
    return text.contains("scope link") && !text.contains("tentative");
  }

  private static boolean run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
