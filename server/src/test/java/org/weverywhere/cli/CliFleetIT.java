package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Daemons;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

/**
 * The built-in probes, the fan-out and top as a user meets them, against one real daemon on Open
 * Liberty on loopback: a fresh daemon with no library of its own offers the probes, they run only
 * for observers, run --all / --spread stream per daemon and summarise, describe says the capacity
 * --spread ranks by, and top shows the daemon from the probes. Several daemons, and replacement of
 * those that refuse or stop answering, are in FleetNamespacesTest.
 */
@TestDaemon(
    name = "fleet-one",
    libraries = "math.wasi",
    builtinLibraries = true,
    config = {
      "services.math.library = math",
      "group.anonymous.privileges = execute",
      "group.observers.privileges = execute, observe"
    },
    configure = "observers")
class CliFleetIT {
  private static final KeyPair OBSERVER = Ed25519.generate();

  static LibertyDaemon daemon;

  /** The observer's key in the group with the observe privilege, its private half beside. */
  static void observers(LibertyDaemon.Builder builder) {
    builder
        .groupKey("observers", "observer", OBSERVER.getPublic())
        .file(
            "observer.key.pem",
            new String(KeyPem.privateKeyText(OBSERVER.getPrivate()), StandardCharsets.US_ASCII));
  }

  private static CliRun we(String... args) {
    return CliRun.against(daemon.udpPort(), args);
  }

  /** As the observer: its key is in the group with the observe privilege. */
  private static CliRun observer(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(1, List.of("--key", daemon.configDir().resolve("observer.key.pem").toString()));
    return we(all.toArray(String[]::new));
  }

  @Test
  void aFreshDaemonOffersTheBuiltInProbes() {
    CliRun listed = we("libraries");
    assertEquals(0, listed.status(), listed.toString());
    List<String> names = listed.out().lines().skip(1).map(l -> l.split("\\s+")[1]).toList();
    assertEquals(
        List.of("math", "probe-disk", "probe-load", "probe-memory", "sysinfo"),
        names,
        listed.out());
  }

  @Test
  void aProbeRunWithoutObserveGetsItsClearFailure() {
    CliRun refused = we("run", "--peer", "fleet-one", "probe-load");
    assertEquals(1, refused.status(), refused.toString());
    assertTrue(refused.err().contains("observe privilege"), refused.err());
    assertEquals(1, refused.err().lines().count(), refused.err());
  }

  @Test
  void runAllPrintsABlockPerDaemonThenASummary() throws IOException {
    CliRun text = observer("run", "--all", "sysinfo");
    assertEquals(0, text.status(), text.toString());
    List<String> lines = text.out().lines().toList();
    assertEquals(3, lines.size(), text.out());
    assertTrue(lines.get(0).matches("== fleet-one \\(\\S+\\): exit 0 \\(\\d+ ms\\)"), lines.get(0));
    assertTrue(
        new ObjectMapper().readTree(lines.get(1)).get("memory_total_bytes").asLong() > 0,
        lines.get(1));
    assertTrue(
        lines.get(2).matches("sysinfo: 1 of 1 succeeded \\(1 daemons could run it; \\d+ ms\\)"),
        lines.get(2));

    CliRun json = observer("run", "--all", "probe-disk", "--json");
    assertEquals(0, json.status(), json.toString());
    List<String> objects = json.out().lines().toList();
    assertEquals(2, objects.size(), json.out());
    JsonNode row = new ObjectMapper().readTree(objects.get(0));
    assertEquals("fleet-one", row.get("peer").asText());
    assertEquals("answered", row.get("status").asText());
    assertEquals(daemon.nodeId().toString(), row.get("node").asText());
    // the daemon's state directory is on a real filesystem: the probe sees it
    JsonNode disk = new ObjectMapper().readTree(row.get("stdout").asText());
    assertTrue(
        disk.get("disk_total_bytes").asLong() >= disk.get("disk_free_bytes").asLong(),
        disk.toString());
    assertTrue(disk.get("disk_free_bytes").asLong() > 0, disk.toString());
    JsonNode summary = new ObjectMapper().readTree(objects.get(1)).get("summary");
    assertEquals(1, summary.get("succeeded").asInt());
    assertEquals(1, summary.get("wanted").asInt());
  }

  /**
   * --dir reaches every daemon of a fan-out (it was dropped without a word), and --out keeps each
   * daemon's changed tree apart under DIR/NAME-ID.
   */
  @Test
  void runAllSendsTheDirectoriesAndWritesEachDaemonsChangesApart(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
    Path data = java.nio.file.Files.createDirectories(tmp.resolve("data"));
    java.nio.file.Files.writeString(data.resolve("in.txt"), "fan out\n");
    Path out = tmp.resolve("out");
    Path files =
        Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"))
            .resolve("files.wasi");
    CliRun run =
        observer(
            "run",
            "--all",
            files.toString(),
            "--dir",
            data + "::/data",
            "--out",
            out.toString(),
            "--",
            "upper",
            "/data");
    assertEquals(0, run.status(), run.toString());
    assertTrue(run.out().contains("upper: 8 bytes from /data/in.txt"), run.out());
    Path mine =
        out.resolve(("fleet-one-" + daemon.nodeId().shortForm()).replaceAll("[^A-Za-z0-9.-]", "_"));
    assertEquals("FAN OUT\n", java.nio.file.Files.readString(mine.resolve("data/out.txt")));
    assertEquals("fan out\n", java.nio.file.Files.readString(data.resolve("in.txt")));

    CliRun call = observer("run", "--all", "math", "--function", "add", "--dir", data.toString());
    assertEquals(2, call.status(), call.toString());
    assertTrue(call.err().contains("--dir and --out are for command runs"), call.err());
  }

  @Test
  void spreadOverMoreDaemonsThanAnswerSaysSoInItsExitStatus() {
    CliRun run = observer("run", "--spread", "2", "probe-memory");
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.out().lines().findFirst().orElseThrow().startsWith("== fleet-one ("), run.out());
    assertTrue(
        run.out().contains("probe-memory: 1 of 2 succeeded (1 daemons could run it;"), run.out());
    assertEquals(
        "weverywhere: probe-memory succeeded on 1 of 2 daemons wanted (only 1 could run it) [WE5070]\n",
        run.err());

    // refused for want of observe, and no other daemon is left to take the place
    CliRun anonymous = we("run", "--spread", "1", "sysinfo");
    assertEquals(1, anonymous.status(), anonymous.toString());
    assertTrue(
        anonymous.out().contains("): refused, ran nothing: ")
            && anonymous.out().contains("observe privilege"),
        anonymous.out());
    assertTrue(anonymous.out().contains("sysinfo: 0 of 1 succeeded, 1 refused"), anonymous.out());
  }

  @Test
  void describeTellsTheRequestersFreeCapacityAndTheLoadToObserversOnly() {
    var address = new InetSocketAddress("127.0.0.1", daemon.udpPort());
    var node = daemon.nodeId();
    var verifier = Verifier.of(Clock.systemUTC(), Optional.empty(), 1000);
    Map<String, Long> anonymous =
        describe(new MessageSigner(Ed25519.generate()), address, node, List.of("capacity")).host();
    // the sample's defaults for anonymous: one slot, 64 MiB, of which the math service's kept
    // instance (run under anonymous) holds its grant of at most 16 MiB for as long as it lives
    assertEquals(1, anonymous.get("group-slots-free"), anonymous.toString());
    long free = anonymous.get("group-memory-free-bytes");
    assertTrue(free >= 48L << 20 && free < (48L << 20) + 65_536, anonymous.toString());
    assertFalse(anonymous.containsKey("load-milli"), anonymous.toString());
    assertFalse(anonymous.containsKey("ram-bytes"), "capacity is not the host facts: " + anonymous);
    Map<String, Long> observed =
        describe(new MessageSigner(OBSERVER), address, node, List.of("capacity")).host();
    assertTrue(observed.get("load-milli") >= 0, observed.toString());
    // a plain describe is as before: capacity only when asked for
    Map<String, Long> plain =
        describe(new MessageSigner(Ed25519.generate()), address, node, List.of()).host();
    assertEquals(Map.of(), plain);
  }

  /** Describes over UDP through the shared client of daemons, as the CLI does. */
  private static Message.Description describe(
      MessageSigner signer, InetSocketAddress address, Fingerprint node, List<String> what) {
    return new Daemons(
            () -> signer,
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC(),
            () -> {
              throw new IllegalStateException("no discovery here");
            },
            new Daemons.Waits(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(3)),
            note -> {})
        .describe(new DaemonAddress(node, address, 0), what, Daemons.Route.UDP);
  }

  @Test
  void topShowsTheDaemonFromItsProbes() throws IOException {
    CliRun text = observer("top", "--once");
    assertEquals(0, text.status(), text.toString());
    List<String> lines = text.out().lines().toList();
    assertEquals("1 daemons, 1 probed", lines.get(0));
    assertTrue(
        lines.get(1).matches("NAME\\s+NODE\\s+LOAD\\s+CORES\\s+MEM FREE\\s+EXEC/S\\s+SLOTS IN USE"),
        lines.get(1));
    // the probe holds one of the observers' slots while it asks
    assertTrue(
        lines
            .get(2)
            .matches(
                "fleet-one\\s+\\S+\\s+\\d+\\.\\d\\d\\s+\\d+\\s+\\S+ \\S+ of \\S+ \\S+\\s+-\\s+"
                    // the sample configuration's groups (friends, operators) besides the test's
                    + "anonymous 0/\\d+ friends 0/\\d+ observers 1/\\d+ operators 0/\\d+"),
        lines.get(2));

    CliRun twice = observer("top", "-n", "2", "-d", "0.2", "--json");
    assertEquals(0, twice.status(), twice.toString());
    List<String> refreshes = twice.out().lines().toList();
    assertEquals(2, refreshes.size(), twice.out());
    JsonNode first = new ObjectMapper().readTree(refreshes.get(0)).get("daemons").get(0);
    JsonNode second = new ObjectMapper().readTree(refreshes.get(1)).get("daemons").get(0);
    assertTrue(first.get("executionsPerSecond").isNull(), first.toString());
    assertTrue(second.get("executionsPerSecond").isNumber(), second.toString());
    assertTrue(
        second.get("executionsStarted").asLong() >= first.get("executionsStarted").asLong() + 2,
        second.toString());
    assertTrue(
        second.get("memoryTotalBytes").asLong() >= second.get("memoryFreeBytes").asLong(),
        second.toString());

    // without observe the daemon is listed with the reason it shows no figures
    CliRun anonymous = we("top", "--once", "--json");
    assertEquals(0, anonymous.status(), anonymous.toString());
    JsonNode row = new ObjectMapper().readTree(anonymous.out()).get("daemons").get(0);
    assertEquals("fleet-one", row.get("name").asText());
    assertTrue(row.get("problem").asText().contains("observe privilege"), row.toString());
  }

  @Test
  void callOnEveryDaemonRunningTheService() throws IOException {
    CliRun text = we("call", "*", "math", "add", "2", "40");
    assertEquals(0, text.status(), text.toString());
    List<String> lines = text.out().lines().toList();
    assertEquals(3, lines.size(), text.out());
    assertTrue(lines.get(0).matches("== fleet-one \\(\\S+\\): exit 0 \\(\\d+ ms\\)"), lines.get(0));
    assertEquals("42", lines.get(1));
    assertTrue(
        lines.get(2).startsWith("math.add: 1 of 1 succeeded (1 daemons could run it; "),
        lines.get(2));

    CliRun json = we("call", "--spread", "1", "--json", "*", "math", "add", "2", "40");
    assertEquals(0, json.status(), json.toString());
    JsonNode row = new ObjectMapper().readTree(json.out().lines().findFirst().orElseThrow());
    assertEquals("42", row.get("values").get(0).get("value").asText(), row.toString());

    CliRun none = we("call", "*", "ghost", "add", "1", "2");
    assertEquals(1, none.status(), none.toString());
    assertTrue(
        none.err().contains("none of the 1 daemons that answered runs a service 'ghost'"),
        none.err());
    CliRun typed = we("call", "*", "math", "add", "2", "forty");
    assertEquals(1, typed.status(), typed.toString());
    CliRun spreadWithoutEvery = we("call", "--spread", "1", "fleet-one", "math", "add", "2", "40");
    assertEquals(2, spreadWithoutEvery.status(), spreadWithoutEvery.toString());
    assertTrue(
        spreadWithoutEvery.err().contains("--spread needs PEER *"), spreadWithoutEvery.err());
  }

  @Test
  void theHostOwnerListsTurnsOffAndCannotUnpublishTheBuiltInProbes() {
    List<String> ctl = List.of("--config-dir", daemon.configDir().toString());
    CliRun status = CliRun.of(concat(List.of("ctl", "status"), ctl));
    assertEquals(0, status.status(), status.toString());
    assertTrue(
        status
            .out()
            .contains(
                "libraries      5 (built in: probe-disk, probe-load, probe-memory, sysinfo)\n"),
        status.out());

    CliRun off =
        CliRun.of(
            concat(List.of("ctl", "set", "libraries.builtin.disabled=probe-disk,probe-load"), ctl));
    assertEquals(0, off.status(), off.toString());
    try {
      CliRun listed = we("libraries");
      assertEquals(
          List.of("math", "probe-memory", "sysinfo"),
          listed.out().lines().skip(1).map(l -> l.split("\\s+")[1]).toList(),
          listed.out());
      CliRun gone = we("run", "--peer", "fleet-one", "probe-disk");
      assertEquals(1, gone.status(), gone.toString());
      assertTrue(gone.err().contains("WE7004"), gone.err());
    } finally {
      CliRun on = CliRun.of(concat(List.of("ctl", "unset", "libraries.builtin.disabled"), ctl));
      assertEquals(0, on.status(), on.toString());
    }
    assertEquals(5, we("libraries").out().lines().count() - 1);

    CliRun unpublish = CliRun.of(concat(List.of("ctl", "unpublish", "sysinfo"), ctl));
    assertEquals(1, unpublish.status(), unpublish.toString());
    assertTrue(
        unpublish.err().contains("libraries.builtin.disabled = sysinfo")
            && unpublish.err().contains("WE7011"),
        unpublish.err());
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }

  @Test
  void badOptionsAreUsageErrors() {
    CliRun zero = we("run", "--spread", "0", "sysinfo");
    assertEquals(2, zero.status(), zero.toString());
    assertTrue(zero.err().contains("--spread': 0 is not 1..10000"), zero.err());
    CliRun both = we("run", "--all", "--peer", "fleet-one", "sysinfo");
    assertEquals(2, both.status(), both.toString());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    CliRun word = we("run", "--spread", "many", "sysinfo");
    assertEquals(2, word.status(), word.toString());
    CliRun delay = we("top", "--once", "--delay", "-1");
    assertEquals(2, delay.status(), delay.toString());
    assertTrue(delay.err().contains("--delay must be 0..3600 s"), delay.err());
    CliRun never = we("top", "-n", "0");
    assertEquals(2, never.status(), never.toString());
  }
}
