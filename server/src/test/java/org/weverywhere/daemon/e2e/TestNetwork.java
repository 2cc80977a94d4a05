package org.weverywhere.daemon.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hosts of our own for multi-daemon tests: one network namespace per host, each joined by a veth
 * pair to a bridge in the root namespace, with IPv4 addresses {@code <subnet>.2, .3, ...} (the
 * bridge is {@code <subnet>.1}) and, if asked, IPv6 ones likewise. Namespace {@code
 * <prefix><host><suffix>}, its veth end {@code <prefix>n<host><suffix>}, the bridge's end {@code
 * <prefix>h<host><suffix>}. Every command it runs is bounded in time; {@link #close()} removes
 * everything and may be called any number of times.
 */
final class TestNetwork implements AutoCloseable {
  private final String prefix;
  private final String bridge;
  private final String subnet;
  private final List<String> hosts;
  // set only by the with... methods, each on a fresh copy: a network never changes once shared
  private String suffix = "";
  private boolean multicastSnooping = true;
  private boolean duplicateAddressDetection = true;
  private Optional<String> ipv6 = Optional.empty();
  private Duration timeout = Duration.ofSeconds(10);

  private TestNetwork(String prefix, String bridge, String subnet, List<String> hosts) {
    this.prefix = prefix;
    this.bridge = bridge;
    this.subnet = subnet;
    this.hosts = List.copyOf(hosts);
  }

  /**
   * {@code hosts} on {@code bridge}, names starting with {@code prefix}, IPv4 in {@code subnet}
   * (three octets, e.g. {@code "10.57.74"}) with a /24 mask; each command may take 10 s.
   */
  static TestNetwork named(String prefix, String bridge, String subnet, List<String> hosts) {
    return new TestNetwork(prefix, bridge, subnet, hosts);
  }

  private TestNetwork copy() {
    TestNetwork copy = new TestNetwork(prefix, bridge, subnet, hosts);
    copy.suffix = suffix;
    copy.multicastSnooping = multicastSnooping;
    copy.duplicateAddressDetection = duplicateAddressDetection;
    copy.ipv6 = ipv6;
    copy.timeout = timeout;
    return copy;
  }

  /** The same, with every namespace and veth name ending in {@code suffix}. */
  TestNetwork tagged(String suffix) {
    TestNetwork copy = copy();
    copy.suffix = suffix;
    return copy;
  }

  /** The same with a bridge that floods multicast to every port, as a plain LAN switch does. */
  TestNetwork withoutMulticastSnooping() {
    TestNetwork copy = copy();
    copy.multicastSnooping = false;
    return copy;
  }

  /** The same with IPv6 addresses usable at once: no duplicate address detection on any link. */
  TestNetwork withoutDuplicateAddressDetection() {
    TestNetwork copy = copy();
    copy.duplicateAddressDetection = false;
    return copy;
  }

  /**
   * The same with IPv6 addresses too: {@code <ipv6Prefix>1/64} on the bridge, {@code
   * <ipv6Prefix>2/64, 3, ...} on the hosts (e.g. {@code "fd57:75::"}), without address detection.
   */
  TestNetwork withIpv6(String ipv6Prefix) {
    TestNetwork copy = copy();
    copy.ipv6 = Optional.of(ipv6Prefix);
    return copy;
  }

  /** The same, each command allowed {@code timeout}. */
  TestNetwork withTimeout(Duration timeout) {
    TestNetwork copy = copy();
    copy.timeout = timeout;
    return copy;
  }

  /**
   * Why this machine cannot build test networks, if it cannot: not root, or one of {@code tools}
   * (e.g. {@code "ip"}, {@code "nft"}) not in /usr/sbin or /sbin.
   */
  static Optional<String> missing(String... tools) {
    String user = System.getProperty("user.name");
    if (!"root".equals(user)) {
      return Optional.of("needs root to create network namespaces (runs as " + user + ")");
    }
    for (String tool : tools) {
      if (!Files.isExecutable(Path.of("/usr/sbin", tool))
          && !Files.isExecutable(Path.of("/sbin", tool))) {
        return Optional.of("needs " + tool + " in /usr/sbin or /sbin");
      }
    }
    return Optional.empty();
  }

  /**
   * Removes what an earlier run may have left, then builds bridge, namespaces and veth pairs.
   * Whether it worked; when not, the failing command and its output are printed and nothing is left
   * behind.
   */
  boolean create() throws InterruptedException {
    close();
    List<List<String>> steps = new ArrayList<>();
    steps.add(
        multicastSnooping
            ? List.of("ip", "link", "add", bridge, "type", "bridge")
            : List.of("ip", "link", "add", bridge, "type", "bridge", "mcast_snooping", "0"));
    if (!duplicateAddressDetection) {
      steps.add(List.of("sysctl", "-qw", "net.ipv6.conf." + bridge + ".accept_dad=0"));
    }
    steps.add(List.of("ip", "addr", "add", subnet + ".1/24", "dev", bridge));
    ipv6.ifPresent(
        v6 -> steps.add(List.of("ip", "-6", "addr", "add", v6 + "1/64", "dev", bridge, "nodad")));
    steps.add(List.of("ip", "link", "set", bridge, "up"));
    for (String host : hosts) {
      String ns = namespace(host);
      String veth = veth(host);
      String outside = bridgeEnd(host);
      steps.add(List.of("ip", "netns", "add", ns));
      steps.add(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", veth));
      steps.add(List.of("ip", "link", "set", outside, "master", bridge));
      steps.add(List.of("ip", "link", "set", veth, "netns", ns));
      if (!duplicateAddressDetection) {
        steps.add(exec(host, "sysctl", "-qw", "net.ipv6.conf." + veth + ".accept_dad=0"));
      }
      steps.add(exec(host, "ip", "addr", "add", address(host) + "/24", "dev", veth));
      if (ipv6.isPresent()) {
        steps.add(exec(host, "ip", "-6", "addr", "add", ipv6(host) + "/64", "dev", veth, "nodad"));
      }
      steps.add(List.of("ip", "link", "set", outside, "up"));
      steps.add(exec(host, "ip", "link", "set", "lo", "up"));
      steps.add(exec(host, "ip", "link", "set", veth, "up"));
    }
    for (List<String> step : steps) {
      Optional<String> failed = attempt(step);
      if (failed.isPresent()) {
        System.out.println(
            "TestNetwork: " + String.join(" ", step) + " failed: " + failed.get().strip());
        close();
        return false;
      }
    }
    return true;
  }

  /** The bridge in the root namespace, where a client joins the hosts' network. */
  String bridge() {
    return bridge;
  }

  /** The network namespace of {@code host}. */
  String namespace(String host) {
    return prefix + host + suffix;
  }

  /** The veth end inside {@code host}'s namespace: the interface its daemon serves. */
  String veth(String host) {
    return prefix + "n" + host + suffix;
  }

  /** The veth end on the bridge, in the root namespace. */
  private String bridgeEnd(String host) {
    return prefix + "h" + host + suffix;
  }

  /** The IPv4 address of {@code host}. */
  String address(String host) {
    return subnet + "." + (2 + index(host));
  }

  /** The IPv6 address of {@code host}, when the network has IPv6 addresses. */
  String ipv6(String host) {
    return ipv6.orElseThrow(() -> new IllegalStateException("no IPv6 addresses"))
        + (2 + index(host));
  }

  private int index(String host) {
    int i = hosts.indexOf(host);
    if (i < 0) {
      throw new IllegalArgumentException("no host " + host + " in " + hosts);
    }
    return i;
  }

  /** {@code command} as run inside {@code host}'s namespace ({@code ip netns exec} execs it). */
  List<String> exec(String host, String... command) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    all.addAll(List.of(command));
    return all;
  }

  /**
   * Runs {@code command}, killed if it takes longer than this network's timeout; whether it exited
   * 0.
   */
  boolean run(String... command) throws InterruptedException {
    return run(List.of(command));
  }

  /** As {@link #run(String...)}. */
  boolean run(List<String> command) throws InterruptedException {
    return attempt(command).isEmpty();
  }

  /**
   * Removes the hosts' veth pairs and namespaces (their nftables rules go with them) and the
   * bridge.
   */
  @Override
  public void close() throws InterruptedException {
    for (String host : hosts) {
      run("ip", "link", "del", bridgeEnd(host));
      run("ip", "netns", "del", namespace(host));
    }
    run("ip", "link", "del", bridge);
  }

  /** Empty when {@code command} exited 0 within the timeout, else what went wrong. */
  private Optional<String> attempt(List<String> command) throws InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return Optional.of(e.toString());
    }
    // read on a thread of its own, so that output left open cannot outlast the timeout
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            task -> Thread.ofVirtual().start(task));
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return Optional.of("no exit within " + timeout);
    }
    if (process.exitValue() == 0) {
      return Optional.empty();
    }
    String said;
    try {
      said = output.get(1, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      said = "(output unread: " + e + ")";
    }
    return Optional.of("exit " + process.exitValue() + ": " + said);
  }
}
