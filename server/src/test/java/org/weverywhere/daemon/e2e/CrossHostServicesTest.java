package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Calls that cross hosts, end to end: three daemons (their beans under Weld SE, each a process in a
 * network namespace of its own on a bridge). {@code caller} runs on A and its imports resolve to kv
 * on B and math on C; a wrong import type is refused at link time; a cycle A→B→A is stopped at the
 * depth limit; a stopped service makes the caller trap with the reason; the journals of A, B and C
 * attribute the usage to the original requester. Needs root and iproute2; names start with {@code
 * we-sv}, addresses are in 10.57.73.0/24, and the test removes what it creates.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossHostServicesTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final List<String> HOSTS = List.of("a", "b", "c");
  private static final TestNetwork NETWORK =
      TestNetwork.named("we-sv", "we-svbr", "10.57.73", HOSTS);
  private static final int PORT = 22341;
  private static final MessageSigner CLIENT = new MessageSigner(Ed25519.generate());

  /** Each host's key, made before it starts so that the others can trust it to relay. */
  private static final Map<String, java.security.KeyPair> HOST_KEYS = new LinkedHashMap<>();

  private static final Map<String, DaemonProcess.Running> daemons = new LinkedHashMap<>();
  private static final Map<String, Fingerprint> nodes = new LinkedHashMap<>();
  private static Path work;
  private static UdpClient udp;

  @BeforeAll
  static void hosts() throws Exception {
    Optional<String> missing = TestNetwork.missing("ip");
    missing.ifPresent(why -> System.out.println("CrossHostServicesTest skipped: " + why));
    assumeTrue(missing.isEmpty(), missing.orElse(""));
    assumeTrue(NETWORK.create(), "could not create the namespaces, bridge and veth pairs");
    work = ScratchDirectories.create("we-sv");
    HOSTS.forEach(host -> HOST_KEYS.put(host, Ed25519.generate()));
    String b = NETWORK.address("b") + ":" + PORT;
    String c = NETWORK.address("c") + ":" + PORT;
    String a = NETWORK.address("a") + ":" + PORT;
    start(
        "a",
        List.of("caller.wasi", "fixtures/badcaller.wasm", "fixtures/relay.wasm"),
        "services.kv.peer = " + b,
        "services.math.peer = " + c,
        "services.relay.library = relay",
        "services.relay.instances = 8",
        "services.next.peer = " + b,
        "services.next.peer-service = relay");
    start(
        "b",
        List.of("kv.wasi", "fixtures/relay.wasm"),
        "services.kv.library = kv",
        "services.relay.library = relay",
        "services.relay.instances = 8",
        "services.next.peer = " + a,
        "services.next.peer-service = relay");
    start("c", List.of("math.wasi"), "services.math.library = math");
    // relay on A imports from B, which was not up yet: A retries with backoff until it is
    for (String host : List.of("a", "b")) {
      String state = command(host, "start-service relay");
      for (int i = 0; i < 100 && !state.equals("SERVICE relay running"); i++) {
        Thread.sleep(100); // bounded polling: the restart happens on the daemon's own schedule
        state = command(host, "start-service relay");
      }
      assertEquals("SERVICE relay running", state, host);
    }
    var verifier =
        new Verifier(
            Clock.systemUTC(),
            Duration.ofSeconds(30),
            new ReplayCache(Duration.ofSeconds(30), 200_000),
            Optional.empty());
    udp = new UdpClient(CLIENT, verifier, Clock.systemUTC());
  }

  private static void start(String host, List<String> libraries, String... lines) throws Exception {
    Path dir = Files.createDirectories(work.resolve(host));
    Path modules = Files.createDirectories(dir.resolve("libraries"));
    for (String library : libraries) {
      Files.copy(EXAMPLES.resolve(library), modules.resolve(Path.of(library).getFileName()));
    }
    // the other hosts' keys are in group hosts, trusted to relay: the calls they forward name the
    // client that started the chain, and the bill here names it too (issue 13)
    Path state =
        Files.createDirectories(
            dir.resolve("state"),
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    org.weverywhere.trust.KeyPairFiles.named(state, "host").write(HOST_KEYS.get(host), false);
    Path hosts = Files.createDirectories(dir.resolve("groups/hosts"));
    for (String other : HOSTS) {
      if (!other.equals(host)) {
        Files.writeString(
            hosts.resolve(other + ".pub-key.pem"),
            org.weverywhere.trust.KeyPem.publicKeyText(HOST_KEYS.get(other).getPublic()));
      }
    }
    List<String> config =
        new ArrayList<>(
            List.of(
                "node.name = host-" + host,
                "state.dir = " + dir.resolve("state"),
                "libraries.dir = " + modules,
                "network.interfaces = " + NETWORK.veth(host),
                "network.port = " + PORT,
                "network.ipv6.enabled = false",
                // a cycle holds one slot per hop on each host until the depth limit ends it
                "host.quota.cores = 16",
                "group.anonymous.privileges = execute",
                "group.anonymous.quota.cores = 16",
                "group.hosts.privileges = execute, relay",
                "group.hosts.quota.cores = 16"));
    config.addAll(List.of(lines));
    Files.writeString(dir.resolve("weverywhere.conf"), String.join("\n", config) + "\n");
    var daemon =
        DaemonProcess.Running.start(
            NETWORK.exec(host, DaemonProcess.command(List.of(), dir).toArray(String[]::new)),
            dir.resolve("daemon.log"),
            Duration.ofSeconds(60));
    daemons.put(host, daemon);
    nodes.put(host, daemon.node());
  }

  /** A line to the daemon process's control (its stdin), and its one-line answer. */
  private static String command(String host, String line) throws Exception {
    return daemons.get(host).command(line, Duration.ofSeconds(60));
  }

  @AfterAll
  static void removeAll() throws Exception {
    for (var daemon : daemons.values()) {
      daemon.close();
    }
    daemons.clear();
    NETWORK.close();
    if (work != null
        && !Boolean.getBoolean("weverywhere.e2e.keep")) { // keep logs and journals to debug
      ScratchDirectories.delete(work);
    }
  }

  private static Message ask(String host, Message message) {
    return udp.request(
            new InetSocketAddress(NETWORK.address(host), PORT),
            nodes.get(host),
            message,
            Duration.ofSeconds(10),
            1)
        .message();
  }

  /** For the benchmark: add is pure, so a datagram lost under load may be sent again. */
  static Message askRetrying(String host, Message message) {
    return udp.request(
            new InetSocketAddress(NETWORK.address(host), PORT),
            nodes.get(host),
            message,
            Duration.ofSeconds(1),
            3)
        .message();
  }

  private static Message.Result runCaller(String library, String... args) {
    List<String> argv = new ArrayList<>(List.of(library));
    argv.addAll(List.of(args));
    return assertInstanceOf(
        Message.Result.class,
        ask(
            "a",
            new Message.Execute(
                new Message.LibraryTarget(library),
                new Message.Command(argv, Map.of(), new byte[0]))));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void callerOnAUsesKvOnBAndMathOnC() {
    var put =
        assertInstanceOf(
            Message.Result.class,
            ask(
                "b",
                new Message.ServiceCall(
                    "kv",
                    "put",
                    List.of(new Message.WasmValue("i64", 1), new Message.WasmValue("i64", 4242)))));
    assertEquals("completed", put.outcome());
    Message.Result result = runCaller("caller", "2", "40", "1");
    assertEquals("completed", result.outcome(), text(result.stderr()));
    assertEquals("math.add(2, 40) = 42\nkv.get(1) = 4242\n", text(result.stdout()));
  }

  @Test
  @Order(2)
  void aWrongImportTypeIsRefusedAtLinkTimeBeforeAnythingRuns() {
    var refused = assertThrows(ProtocolException.class, () -> runCaller("badcaller"));
    assertTrue(
        refused
            .getMessage()
            .contains(
                "imports weverywhere:service/kv.get as (i32) -> i32, but service kv on "
                    + NETWORK.address("b")
                    + ":"
                    + PORT
                    + " exports get as (i64, i64) -> i64"),
        refused.getMessage());
  }

  @Test
  @Order(3)
  void aCycleBetweenAAndBIsStoppedAtTheDepthLimit() {
    var result =
        assertInstanceOf(
            Message.Result.class,
            ask(
                "a",
                new Message.ServiceCall(
                    "relay", "relay", List.of(new Message.WasmValue("i32", 0)))));
    assertEquals("trapped", result.outcome());
    String stderr = text(result.stderr());
    assertTrue(stderr.contains("calls.max-depth is 8"), stderr);
    assertTrue(stderr.contains("WE6006"), stderr);
  }

  @Test
  @Order(4)
  void stoppingKvOnBMakesTheCallerOnATrapWithTheReason() throws Exception {
    assertEquals("STOPPED-SERVICE kv", command("b", "stop-service kv"));
    // the signatures A keeps for a few seconds still name kv: the call itself is refused by B
    Message.Result result = runCaller("caller", "1", "1", "1");
    assertEquals("trapped", result.outcome());
    assertEquals("math.add(1, 1) = 2\n", text(result.stdout()));
    String stderr = text(result.stderr());
    assertTrue(
        stderr.contains(
            "remote call of kv.get on " + NETWORK.address("b") + ":" + PORT + " failed: "),
        stderr);
    assertTrue(stderr.contains("service 'kv' is stopped"), stderr);
  }

  @Test
  @Order(5)
  void eachHostsJournalAttributesTheUsageToTheOriginalRequester() throws Exception {
    String requester = CLIENT.fingerprint().toString();
    List<JsonNode> onA = events("a");
    assertTrue(
        onA.stream()
            .anyMatch(
                e ->
                    e.path("type").asText().equals("org.weverywhere.execution.finished")
                        && e.path("data").path("requester").asText().equals(requester)),
        onA.toString());
    for (String host : List.of("b", "c")) {
      List<JsonNode> called =
          events(host).stream()
              .filter(
                  e ->
                      e.path("type").asText().equals("org.weverywhere.service.called")
                          && e.path("data")
                              .path("requester")
                              .asText()
                              .equals(nodes.get("a").toString()))
              .toList();
      assertTrue(!called.isEmpty(), host + ": no call from A journaled");
      assertTrue(
          called.stream()
              .allMatch(e -> e.path("data").path("originalRequester").asText().equals(requester)),
          called.toString());
      assertTrue(called.stream().allMatch(e -> e.path("data").has("cpuNanos")), called.toString());
    }
  }

  private static List<JsonNode> events(String host) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    var json = new ObjectMapper();
    try (var files = Files.walk(work.resolve(host).resolve("state"))) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.toString().contains("events"))
              .toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.startsWith("{")) {
            events.add(json.readTree(line));
          }
        }
      }
    }
    return events;
  }
}
