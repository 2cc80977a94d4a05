package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;
import org.weverywhere.net.Frames;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.LocalPayload;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPairFiles;

/**
 * {@code weverywhere ctl} and {@code weverywhere events} end to end, as a host owner types them,
 * against the real daemon on Open Liberty and its control socket: every control action, a change
 * that tightens a quota while an execution is in flight, refusals of invalid changes, and the same
 * actions signed and sent over the network.
 */
@TestDaemon(
    name = "ctl-daemon",
    libraries = {"math.wasi", "kv.wasi"},
    config = {
      "services.kv.library = kv",
      "group.anonymous.privileges = execute",
      "group.anonymous.quota.cpu-time.per-execution = 1s",
      "group.ops.privileges = observe, control"
    })
class CtlAgainstDaemonIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final ObjectMapper JSON = new ObjectMapper();

  static LibertyDaemon daemon;

  private CliRun ctl(String... args) {
    List<String> all = new ArrayList<>(List.of("ctl"));
    all.addAll(List.of(args));
    all.addAll(List.of("--socket", daemon.controlSocket().toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  /** Runs a module file over the network as anonymous, returning the CLI's JSON result. */
  private JsonNode run(Path module) throws IOException {
    CliRun run =
        CliRun.of(
            "run",
            "--peer",
            "127.0.0.1:" + daemon.udpPort(),
            "--port",
            Integer.toString(daemon.udpPort()),
            "--timeout",
            "5",
            "--json",
            module.toString());
    assertTrue(run.out().startsWith("{"), run.toString());
    return JSON.readTree(run.out());
  }

  private Path dropIn() {
    return daemon.configDir().resolve("weverywhere.d/99-control.conf");
  }

  @Test
  void statusShowsTheHostAndEachGroupsQuotas() throws IOException {
    CliRun human = ctl("status");
    assertEquals(0, human.status(), human.toString());
    assertTrue(human.out().startsWith("node           " + daemon.nodeId() + "\n"), human.out());
    assertTrue(human.out().contains("\nconfiguration  " + daemon.configDir() + "\n"), human.out());
    assertTrue(
        human
            .out()
            .matches(
                "(?s).*\nGROUP\\s+PRIVILEGES\\s+SLOTS\\s+MEMORY\\s+TRAFFIC THIS PERIOD\n"
                    + "\\(host\\)\\s+0/\\d+ .*\nanonymous\\s+execute\\s+0/\\d+ .*\nops\\s+control, observe\\s+.*"),
        human.out());

    CliRun json = ctl("status", "--json");
    assertEquals(0, json.status(), json.toString());
    JsonNode status = JSON.readTree(json.out());
    assertEquals(daemon.nodeId().toString(), status.get("node").asText());
    assertFalse(status.get("draining").asBoolean());
    assertTrue(status.get("groups").has("anonymous"), status.toString());
  }

  @Test
  void aReloadThatTightensAQuotaAppliesToNewExecutionsWhileTheOneInFlightKeepsItsOwn()
      throws Exception {
    Path loop = EXAMPLES.resolve("fixtures/loop.wasm");
    Path tighter = daemon.configDir().resolve("weverywhere.d/50-tighter.conf");
    // One second of CPU for anonymous: this run spins until it has used it.
    CompletableFuture<JsonNode> inFlight =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return run(loop);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (JSON.readTree(ctl("status", "--json").out()).get("in-flight").asInt() == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100); // admitted, and well inside its second
    Files.createDirectories(tighter.getParent());
    Files.writeString(tighter, "group.anonymous.quota.cpu-time.per-execution = 50ms\n");
    try {
      CliRun reload = ctl("reload");
      assertEquals(0, reload.status(), reload.toString());
      assertEquals("changed: group.anonymous.quota.cpu-time.per-execution\n", reload.out());

      JsonNode first = inFlight.get(30, TimeUnit.SECONDS);
      assertEquals("out-of-cpu", first.get("outcome").asText(), first.toString());
      assertTrue(first.get("cpuNanos").asLong() >= 900_000_000L, "kept its 1s: " + first);

      JsonNode next = run(loop);
      assertEquals("out-of-cpu", next.get("outcome").asText(), next.toString());
      assertTrue(next.get("cpuNanos").asLong() < 500_000_000L, "met the new 50ms: " + next);
    } finally {
      Files.deleteIfExists(tighter);
      CliRun back = ctl("reload");
      assertEquals(0, back.status(), back.toString());
    }
  }

  @Test
  void setIsKeptOnDiskAndUnsetTakesItBack() throws IOException {
    CliRun set = ctl("group", "quota", "ops", "cores=1", "memory=256MiB");
    assertEquals(0, set.status(), set.toString());
    assertEquals("changed: group.ops.quota.cores, group.ops.quota.memory\n", set.out());
    assertTrue(
        Files.readString(dropIn())
            .contains("group.ops.quota.cores = 1\ngroup.ops.quota.memory = 256MiB\n"),
        Files.readString(dropIn()));
    JsonNode ops = JSON.readTree(ctl("status", "--json").out()).get("groups").get("ops");
    assertEquals(1, ops.get("cores").asInt(), ops.toString());
    assertEquals(256L << 20, ops.get("memory-limit").asLong(), ops.toString());

    CliRun restart = ctl("set", "network.port", "1");
    assertEquals(0, restart.status(), restart.toString());
    assertEquals(
        "changed: network.port\ntakes effect after a restart: network.port\n", restart.out());

    CliRun unset = ctl("unset", "group.ops.quota.cores", "group.ops.quota.memory", "network.port");
    assertEquals(0, unset.status(), unset.toString());
    assertFalse(Files.readString(dropIn()).contains("group.ops"), Files.readString(dropIn()));
    JsonNode after = JSON.readTree(ctl("status", "--json").out());
    assertEquals(
        after.get("host").get("cores").asInt(),
        after.get("groups").get("ops").get("cores").asInt(),
        "back to the host's cores");
  }

  @Test
  void anInvalidChangeIsRefusedWholeAndNothingIsWritten() throws IOException {
    byte[] before = Files.exists(dropIn()) ? Files.readAllBytes(dropIn()) : null;
    CliRun bad = ctl("set", "host.quota.memory=lots", "group.anonymous.quota.cores=1");
    assertEquals(1, bad.status(), bad.toString());
    assertTrue(bad.err().startsWith("weverywhere: set refused, nothing changed: "), bad.err());
    assertTrue(bad.err().contains("99-control.conf:"), "names the line: " + bad.err());
    assertTrue(bad.err().strip().endsWith("[WE3003]"), bad.err());
    assertEquals(before == null, !Files.exists(dropIn()));

    CliRun unknown = ctl("set", "host.quota.cores.typo", "2");
    assertEquals(1, unknown.status(), unknown.toString());
    assertTrue(unknown.err().contains("[WE3002]"), unknown.err());

    CliRun notOurs = ctl("unset", "group.ops.privileges");
    assertEquals(1, notOurs.status(), notOurs.toString());
    assertTrue(
        notOurs
            .err()
            .contains(
                "'group.ops.privileges' was not set by control (its value comes from "
                    + daemon.fixtureConf()
                    + ":"),
        notOurs.err());
    assertTrue(notOurs.err().strip().endsWith("[WE9001]"), notOurs.err());

    CliRun syntax = ctl("set", "novalue");
    assertEquals(2, syntax.status(), syntax.toString());
    assertTrue(syntax.err().contains("'novalue' is not KEY=VALUE"), syntax.err());
  }

  @Test
  void aKeyAddedToAGroupMayControlTheDaemonOverTheNetworkAndNotOnceRemoved(@TempDir Path keys) {
    var ops = KeyPairFiles.named(keys, "ops");
    ops.write(org.weverywhere.trust.Ed25519.generate(), false);
    List<String> remote =
        List.of(
            "ctl",
            "status",
            "--json",
            "--peer",
            "127.0.0.1:" + daemon.udpPort(),
            "--port",
            Integer.toString(daemon.udpPort()),
            "--timeout",
            "5",
            "--key",
            ops.privateKey().toString());

    CliRun before = CliRun.of(remote.toArray(String[]::new));
    assertEquals(1, before.status(), before.toString());
    assertTrue(before.err().contains("WE5020"), "anonymous may not control: " + before.err());

    CliRun add = ctl("group", "add-key", "ops", ops.publicKey().toString());
    assertEquals(0, add.status(), add.toString());
    String fingerprint =
        Fingerprint.of(org.weverywhere.trust.KeyPem.readPublicKey(ops.publicKey())).toString();
    assertEquals("added key " + fingerprint + "\nchanged: groups/ops\n", add.out());

    CliRun after = CliRun.of(remote.toArray(String[]::new));
    assertEquals(0, after.status(), after.toString());
    assertTrue(after.out().contains("\"node\" : \"" + daemon.nodeId() + "\""), after.out());

    CliRun again = ctl("group", "add-key", "ops", ops.publicKey().toString());
    assertEquals(1, again.status(), again.toString());
    assertTrue(again.err().contains("is already in group 'ops' [WE9001]"), again.err());

    CliRun remove = ctl("group", "remove-key", "ops", fingerprint);
    assertEquals(0, remove.status(), remove.toString());
    CliRun refused = CliRun.of(remote.toArray(String[]::new));
    assertEquals(1, refused.status(), refused.toString());
    assertTrue(refused.err().contains("WE5020"), refused.err());
  }

  @Test
  void publishAndUnpublishChangeWhatTheDaemonOffers() throws IOException {
    CliRun publish = ctl("publish", EXAMPLES.resolve("hello.wasi").toString());
    assertEquals(0, publish.status(), publish.toString());
    assertTrue(publish.out().startsWith("published hello"), publish.out());
    assertTrue(libraries().contains("hello"), "offered after publish");

    CliRun unpublish = ctl("unpublish", "hello");
    assertEquals(0, unpublish.status(), unpublish.toString());
    assertFalse(libraries().contains("hello"), "gone after unpublish");

    CliRun missing = ctl("unpublish", "nothing-like-it");
    assertEquals(1, missing.status(), missing.toString());
    assertTrue(missing.err().contains("no library 'nothing-like-it'"), missing.err());

    CliRun notAModule = ctl("publish", daemon.configDir().resolve("weverywhere.conf").toString());
    assertEquals(1, notAModule.status(), notAModule.toString());
    assertTrue(notAModule.err().contains("not a WebAssembly module"), notAModule.err());
  }

  private String libraries() {
    CliRun list =
        CliRun.of("libraries", "--port", Integer.toString(daemon.udpPort()), "--timeout", "1");
    assertEquals(0, list.status(), list.toString());
    return list.out();
  }

  @Test
  void aDrainedDaemonTakesNoWorkUntilResumed() throws IOException {
    CliRun drain = ctl("drain", "--wait", "5");
    try {
      assertEquals(0, drain.status(), drain.toString());
      assertEquals("drained: nothing in flight, no new work taken\n", drain.out());
      CliRun refused =
          CliRun.of(
              "run",
              "--peer",
              "127.0.0.1:" + daemon.udpPort(),
              "--port",
              Integer.toString(daemon.udpPort()),
              "--timeout",
              "5",
              EXAMPLES.resolve("hello.wasi").toString());
      assertEquals(1, refused.status(), refused.toString());
      assertTrue(
          refused.err().contains("WE9005") && refused.err().contains("draining"), refused.err());
      assertTrue(JSON.readTree(ctl("status", "--json").out()).get("draining").asBoolean());
    } finally {
      CliRun resume = ctl("resume");
      assertEquals(0, resume.status(), resume.toString());
    }
    assertEquals("completed", run(EXAMPLES.resolve("hello.wasi")).get("outcome").asText());
  }

  @Test
  void eventsListsExecutionsWithTheRequesterAndFollowsNewOnes() throws Exception {
    run(EXAMPLES.resolve("hello.wasi"));
    CliRun all = CliRun.of("events", "--json", "--socket", daemon.controlSocket().toString());
    assertEquals(0, all.status(), all.toString());
    List<JsonNode> events = new ArrayList<>();
    for (String line : all.out().split("\n")) {
      events.add(JSON.readTree(line));
    }
    assertEquals(1, events.getFirst().get("weverywhereseq").asLong(), "from the oldest kept");
    assertTrue(
        events.stream()
            .anyMatch(e -> e.get("type").asText().equals("org.weverywhere.daemon.started")));
    for (int i = 1; i < events.size(); i++) {
      assertEquals(
          events.get(i - 1).get("weverywhereseq").asLong() + 1,
          events.get(i).get("weverywhereseq").asLong(),
          "no gap in sequence numbers");
    }
    JsonNode finished =
        events.reversed().stream()
            .filter(e -> e.get("type").asText().equals("org.weverywhere.execution.finished"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        finished.get("data").get("requester").asText().startsWith("SHA256:"), finished.toString());
    assertEquals("anonymous", finished.get("data").get("group").asText());
    long next = events.getLast().get("weverywhereseq").asLong() + 1;

    CliRun since =
        CliRun.of(
            "events",
            "--since",
            Long.toString(next - 1),
            "--socket",
            daemon.controlSocket().toString());
    assertEquals(0, since.status(), since.toString());
    assertEquals(
        1, since.out().lines().count(), "only the last one, in human form: " + since.out());
    assertTrue(since.out().startsWith((next - 1) + "  "), since.out());

    // Follow from the next event, on a thread, while an execution produces new ones.
    var out = new StringWriter();
    var followed =
        CompletableFuture.supplyAsync(
            () -> {
              var commandLine = Main.commandLine();
              commandLine.setOut(new PrintWriter(out, true));
              commandLine.setErr(new PrintWriter(new StringWriter(), true));
              return commandLine.execute(
                  "events",
                  "--follow",
                  "--json",
                  "--since",
                  Long.toString(next),
                  "--socket",
                  daemon.controlSocket().toString());
            });
    run(EXAMPLES.resolve("hello.wasi"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!out.toString().contains("org.weverywhere.execution.finished")
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(
        out.toString().startsWith("{\"specversion\":\"1.0\",\"id\":\"" + next + "\""),
        out.toString());
    assertTrue(out.toString().contains("org.weverywhere.execution.finished"), out.toString());
    followed.cancel(
        true); // the stream ends when the CLI goes; the daemon notices at its next write
  }

  @Test
  void aMissingSocketIsNamedWithWhatToCheck() {
    CliRun missing =
        CliRun.of(
            "ctl", "status", "--socket", daemon.configDir().resolve("nothing.sock").toString());
    assertEquals(1, missing.status(), missing.toString());
    assertEquals(
        "weverywhere: no control socket at "
            + daemon.configDir().resolve("nothing.sock")
            + " (is the daemon running?"
            + " give its socket with --socket, or its configuration with --config-dir) [WE9004]\n",
        missing.err());

    CliRun byConfig =
        CliRun.of("ctl", "status", "--config-dir", daemon.configDir().toString(), "--json");
    assertEquals(
        0, byConfig.status(), "finds the socket from the daemon's configuration: " + byConfig);
  }

  @Test
  void aServiceStoppedByControlRefusesCallsUntilStartedAgain() throws IOException {
    List<String> call =
        List.of(
            "call",
            "--port",
            Integer.toString(daemon.udpPort()),
            "--timeout",
            "2",
            "127.0.0.1:" + daemon.udpPort(),
            "kv",
            "count");
    assertEquals(0, CliRun.of(call.toArray(String[]::new)).status(), "kv answers before");

    CliRun stop = ctl("service", "stop", "kv");
    assertEquals(0, stop.status(), stop.toString());
    assertTrue(
        stop.out()
            .startsWith("service kv (kv, group anonymous): stopped, 0 of 1 instances, since "),
        stop.out());
    CliRun refused = CliRun.of(call.toArray(String[]::new));
    assertEquals(1, refused.status(), refused.toString());
    assertTrue(refused.err().contains("WE6002"), refused.err());
    JsonNode kv = JSON.readTree(ctl("status", "--json").out()).get("services").get(0);
    assertEquals("stopped", kv.get("state").asText(), kv.toString());

    CliRun start = ctl("service", "start", "kv");
    assertEquals(0, start.status(), start.toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    CliRun again = CliRun.of(call.toArray(String[]::new));
    while (again.status() != 0 && System.nanoTime() < deadline) {
      again = CliRun.of(call.toArray(String[]::new));
    }
    assertEquals(0, again.status(), "kv answers once started again: " + again);

    CliRun unknown = ctl("service", "stop", "nothing");
    assertEquals(1, unknown.status(), unknown.toString());
    assertTrue(unknown.err().contains("WE6001"), unknown.err());
  }

  @Test
  void badFramesGetClearErrors() throws IOException {
    try (var client =
        org.newsclub.net.unix.AFUNIXSocket.connectTo(
            org.newsclub.net.unix.AFUNIXSocketAddress.of(daemon.controlSocket().toFile()))) {
      Frames.write(client.getOutputStream(), "not cbor at all".getBytes());
      Message.ErrorReply garbage = errorIn(Frames.read(client.getInputStream()).orElseThrow());
      assertEquals("WE5001", garbage.code(), garbage.toString());

      Frames.write(
          client.getOutputStream(),
          LocalPayload.encode(Header.fresh(Audience.ANY, Instant.now()), new Message.Discover()));
      Message.ErrorReply notControl = errorIn(Frames.read(client.getInputStream()).orElseThrow());
      assertEquals("WE5011", notControl.code());
      assertEquals(
          "the control socket takes control messages, not 'discover'", notControl.message());

      Frames.write(
          client.getOutputStream(),
          LocalPayload.encode(
              Header.fresh(Audience.ANY, Instant.now()), new Message.Control("reboot", Map.of())));
      Message.ErrorReply unknown = errorIn(Frames.read(client.getInputStream()).orElseThrow());
      assertEquals("WE5013", unknown.code());
      assertTrue(
          unknown
              .message()
              .startsWith("unknown control action 'reboot'; this daemon performs status, "),
          unknown.message());

      // the connection still serves after refusals that kept the framing intact; a broken frame
      // ends it
      client.getOutputStream().write(new byte[] {0x7f, 0, 0, 0});
      Message.ErrorReply oversized = errorIn(Frames.read(client.getInputStream()).orElseThrow());
      assertEquals("WE5003", oversized.code());
      assertTrue(Frames.read(client.getInputStream()).isEmpty(), "closed after a broken frame");
    }
  }

  private static Message.ErrorReply errorIn(byte[] frame) {
    return (Message.ErrorReply) LocalPayload.decode(frame, WireLimits.HTTP).message();
  }
}
