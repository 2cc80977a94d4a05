package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.weverywhere.cli.Main;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.KeyPem;

/**
 * Five daemons on five hosts (network namespaces of our own on a bridge of our own, each daemon a
 * process of its own with its HTTP channel on its veth), and the CLI on the host side as a user
 * runs it: {@code run --all sysinfo} returns every daemon's row, {@code top --once} lists them all,
 * and {@code run --spread 3} gives the places of a draining daemon and of one that stopped
 * answering to daemons not yet asked, running nothing twice. Needs root and iproute2; skipped with
 * the reason otherwise; everything it creates is removed afterwards, whatever happens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetNamespacesTest {
  private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000, 36);
  private static final List<String> HOSTS = List.of("a", "b", "c", "d", "e");
  private static final TestNetwork NETWORK =
      TestNetwork.named("we-f", "we-f-" + TAG, "10.57.72", HOSTS)
          .tagged("-" + TAG)
          .withoutMulticastSnooping();
  private static final int PORT = 40000 + (int) ((ProcessHandle.current().pid() + 7) % 20000);
  private static final int HTTP = 30000 + (int) (ProcessHandle.current().pid() % 9000);
  private static final KeyPair OBSERVER = Ed25519.generate();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Five JVMs starting at once on a small shared machine take a while; bounded all the same. */
  private static final int READY_SECONDS = 240;

  private static final Map<String, DaemonProcess.Running> daemons = new LinkedHashMap<>();
  private static Path work;
  private static Path observerKey;

  @BeforeAll
  static void hosts() throws Exception {
    Optional<String> missing = TestNetwork.missing("ip");
    missing.ifPresent(why -> System.out.println("FleetNamespacesTest skipped: " + why));
    assumeTrue(missing.isEmpty(), missing.orElse(""));
    boolean ready = NETWORK.create();
    if (!ready) {
      System.out.println(
          "FleetNamespacesTest skipped: this kernel or container refused the namespace setup");
    }
    assumeTrue(ready, "could not create the namespaces, bridge and veth pairs");
    work = ScratchDirectories.create("we-fleet");
    observerKey =
        Files.write(work.resolve("observer.key.pem"), KeyPem.privateKeyText(OBSERVER.getPrivate()));
    // all five start at once: each JVM takes seconds on a busy machine; every one that started is
    // kept (and stopped after), whichever failed
    var starting = new LinkedHashMap<String, java.util.concurrent.Future<DaemonProcess.Running>>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (String host : HOSTS) {
        starting.put(host, threads.submit(() -> start(host)));
      }
      java.util.concurrent.ExecutionException failed = null;
      for (var host : starting.entrySet()) {
        try {
          daemons.put(host.getKey(), host.getValue().get());
        } catch (java.util.concurrent.ExecutionException e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw new AssertionError(failed.getCause().getMessage(), failed.getCause());
      }
    }
  }

  private static DaemonProcess.Running start(String host) throws Exception {
    Path dir = Files.createDirectories(work.resolve(host));
    Path observers = Files.createDirectories(dir.resolve("groups/observers"));
    Files.writeString(
        observers.resolve("observer.pub-key.pem"), KeyPem.publicKeyText(OBSERVER.getPublic()));
    // c and e have the most free slots, so --spread asks them first: e with the most
    int cores =
        switch (host) {
          case "e" -> 12;
          case "c" -> 8;
          default -> 2;
        };
    Files.writeString(
        dir.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "node.name = fleet-" + host,
            "state.dir = " + dir.resolve("state"),
            "network.interfaces = " + NETWORK.veth(host),
            "network.port = " + PORT,
            "network.ttl = 1",
            "network.ipv6.enabled = false",
            "http.port = " + HTTP,
            "host.quota.cores = " + cores,
            // guest memory and directory trees live on the heap (Chicory): small quotas, so that
            // the 1 GiB heap below holds them beside the daemon's own 512 MiB
            "host.quota.memory = 256MiB",
            "host.quota.disk.per-execution = 16MiB",
            "group.anonymous.privileges = execute",
            "group.observers.privileges = execute, observe",
            "group.observers.quota.cores = " + cores,
            ""));
    // C1 only and the serial collector: five daemons start faster on few cores, and run probes
    // alike; -Xmx is a cap, not what they use
    return DaemonProcess.Running.start(
        NETWORK.exec(
            host,
            DaemonProcess.command(
                    List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g"),
                    dir,
                    "http=" + NETWORK.address(host) + ":" + HTTP)
                .toArray(String[]::new)),
        dir.resolve("daemon.log"),
        Duration.ofSeconds(READY_SECONDS));
  }

  @AfterAll
  static void removeAll() throws Exception {
    for (var daemon : daemons.values()) {
      daemon.close();
    }
    daemons.clear();
    NETWORK.close();
    if (work != null) {
      ScratchDirectories.delete(work);
      work = null;
    }
  }

  /** The CLI in this JVM, on the bridge, as the observer: exit status and what it printed. */
  private static String[] we(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        1,
        List.of(
            "-i",
            NETWORK.bridge(),
            "--port",
            Integer.toString(PORT),
            "--timeout",
            "3",
            "--key",
            observerKey.toString()));
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute(all.toArray(String[]::new));
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  @Test
  @Order(1)
  void runAllSysinfoReturnsEveryDaemonsRow() throws Exception {
    // the first datagrams may meet cold ARP: discover until all five answered (bounded)
    String[] peers = we("peers", "--json");
    for (int round = 0; round < 5 && peers[1].lines().count() < 5; round++) {
      peers = we("peers", "--json");
    }
    assertEquals(5, peers[1].lines().count(), String.join("\n", peers));

    String[] run = we("run", "--all", "sysinfo", "--json");
    assertEquals("0", run[0], String.join("\n", run));
    List<JsonNode> lines = run[1].lines().map(FleetNamespacesTest::json).toList();
    assertEquals(6, lines.size(), run[1]);
    List<String> names = new ArrayList<>();
    for (JsonNode row : lines.subList(0, 5)) {
      assertEquals("answered", row.get("status").asText(), row.toString());
      assertEquals(0, row.get("exit").asInt(), row.toString());
      assertTrue(
          json(row.get("stdout").asText()).get("memory_total_bytes").asLong() > 0, row.toString());
      names.add(row.get("peer").asText());
    }
    assertEquals(
        List.of("fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e"),
        names.stream().sorted().toList());
    assertEquals(5, lines.get(5).get("summary").get("succeeded").asInt(), lines.get(5).toString());

    // as people read it (the README shows this output)
    String[] text = we("run", "--all", "probe-memory");
    assertEquals("0", text[0], String.join("\n", text));
    assertEquals(11, text[1].lines().count(), text[1]);
    assertTrue(
        text[1]
            .lines()
            .toList()
            .getLast()
            .startsWith("probe-memory: 5 of 5 succeeded (5 daemons could run it; "),
        text[1]);
    System.out.println("$ weverywhere run --all probe-memory\n" + text[1]);
  }

  @Test
  @Order(2)
  void topOnceListsThemAll() {
    String[] top = we("top", "--once", "--json");
    assertEquals("0", top[0], String.join("\n", top));
    JsonNode daemons = json(top[1]).get("daemons");
    assertEquals(5, daemons.size(), top[1]);
    for (int i = 0; i < 5; i++) {
      JsonNode d = daemons.get(i);
      assertEquals("fleet-" + HOSTS.get(i), d.get("name").asText(), d.toString());
      assertEquals(NETWORK.address(HOSTS.get(i)), d.get("address").asText(), d.toString());
      assertFalse(d.has("problem"), d.toString());
      assertTrue(d.get("memoryFreeBytes").asLong() > 0, d.toString());
      // the probe itself holds one of the observers' slots while it asks
      assertEquals(1, d.get("slots").get("observers").get("inUse").asInt(), d.toString());
    }
    assertEquals(12, daemons.get(4).get("slots").get("observers").get("total").asInt());

    String[] text = we("top", "--once");
    assertEquals("0", text[0], String.join("\n", text));
    assertEquals("5 daemons, 5 probed", text[1].lines().findFirst().orElseThrow(), text[1]);
    System.out.println("$ weverywhere top --once\n" + text[1]);
  }

  @Test
  @Order(3)
  void spreadGivesThePlacesOfARefusingAndASilentDaemonToOthers() throws Exception {
    assertEquals("DRAINED", command("c", "drain"));
    assertEquals("HTTP-STOPPED", command("e", "stop-http"));
    String[] run = we("run", "--spread", "3", "sysinfo", "--json");
    assertEquals("0", run[0], String.join("\n", run));
    List<JsonNode> lines = run[1].lines().map(FleetNamespacesTest::json).toList();
    Map<String, String> status = new java.util.TreeMap<>();
    for (JsonNode row : lines.subList(0, lines.size() - 1)) {
      // no daemon is asked twice
      assertEquals(null, status.put(row.get("peer").asText(), row.get("status").asText()), run[1]);
    }
    // e (most slots) stopped answering, c (next) drains: their places went to a, b and d
    assertEquals(
        Map.of(
            "fleet-a",
            "answered",
            "fleet-b",
            "answered",
            "fleet-c",
            "refused",
            "fleet-d",
            "answered",
            "fleet-e",
            "lost"),
        status,
        run[1]);
    JsonNode summary = lines.getLast().get("summary");
    assertEquals(3, summary.get("succeeded").asInt());
    assertEquals(1, summary.get("refused").asInt());
    assertEquals(1, summary.get("lost").asInt());

    // top still lists all five, saying why two show no figures
    String[] top = we("top", "--once");
    System.out.println(
        "$ weverywhere run --spread 3 sysinfo --json\n"
            + run[1]
            + "$ weverywhere top --once\n"
            + top[1]);
    assertEquals("5 daemons, 3 probed", top[1].lines().findFirst().orElseThrow(), top[1]);
    assertTrue(
        top[1].lines().anyMatch(l -> l.startsWith("fleet-c") && l.contains("draining")), top[1]);
    assertTrue(
        top[1].lines().anyMatch(l -> l.startsWith("fleet-e") && l.contains("WE5025")), top[1]);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** A line to the daemon process's control (its stdin), and its one-line answer. */
  private static String command(String host, String line) throws Exception {
    return daemons.get(host).command(line, Duration.ofSeconds(READY_SECONDS));
  }
}
