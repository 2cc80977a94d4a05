package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.daemon.liberty.TestDaemon;

/**
 * {@code weverywhere services} and {@code weverywhere call} as a user types them, against the real
 * daemon on Open Liberty over loopback UDP and HTTP, with services declared in its config.
 */
@TestDaemon(
    name = "service-daemon",
    libraries = {
      "kv.wasi",
      "math.wasi",
      "caller.wasi",
      "fixtures/badcaller.wasm",
      "fixtures/relay.wasm"
    },
    config = {
      "services.kv.library = kv",
      "services.math.library = math",
      "services.guarded.library = math",
      "services.guarded.callers = team",
      "services.ghost.library = ghost"
    })
class CliServicesIT {
  static LibertyDaemon daemon;

  private static CliRun we(String... args) {
    return CliRun.against(daemon.udpPort(), args);
  }

  @Test
  void servicesListsStateInstancesAndCallableFunctions() throws IOException {
    CliRun human = we("services");
    assertEquals(0, human.status(), human.toString());
    String[] lines = human.out().split("\n");
    assertTrue(
        lines[0].matches("PEER\\s+SERVICE\\s+LIBRARY\\s+STATE\\s+INSTANCES\\s+SINCE\\s+FUNCTIONS"),
        lines[0]);
    assertTrue(
        lines[1].matches(
            "service-daemon\\s+ghost\\s+ghost\\s+failed: no library 'ghost' on this host\\s+0/1\\s+\\S+Z\\s*"),
        lines[1]);
    assertTrue(
        lines[3].matches(
            "service-daemon\\s+kv\\s+kv\\s+running\\s+1/1\\s+\\S+Z\\s+put \\(i64, i64\\) -> i32, "
                + "get \\(i64, i64\\) -> i64, count \\(\\) -> i32, calls \\(\\) -> i64, crash \\(i32\\) -> i32"),
        lines[3]);

    CliRun json = we("services", "service-daemon", "--json");
    assertEquals(0, json.status(), json.toString());
    JsonNode kv = new ObjectMapper().readTree(json.out()).get(2);
    assertEquals("kv", kv.get("name").asText());
    assertEquals("running", kv.get("state").asText());
    assertEquals(64, kv.get("sha256").asText().length());
    assertEquals("get (i64, i64) -> i64", kv.get("functions").get(1).asText());

    CliRun describe = we("describe", "service-daemon");
    assertTrue(
        describe.out().contains("  kv  (kv, running, 1/1 instances)\n    put (i64, i64) -> i32\n"),
        describe.out());
  }

  @Test
  void callKeepsStateBetweenCallsWithArgumentsCheckedBeforeSending() throws IOException {
    CliRun put = we("call", "service-daemon", "kv", "put", "7", "700");
    assertEquals(0, put.status(), put.toString());
    assertEquals("1\n", put.out());
    assertEquals("700\n", we("call", "service-daemon", "kv", "get", "7", "--", "-1").out());
    assertEquals("-1\n", we("call", "service-daemon", "kv", "get", "8", "--", "-1").out());
    CliRun json = we("call", "--json", "127.0.0.1:" + daemon.udpPort(), "kv", "count");
    assertEquals(0, json.status(), json.toString());
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertEquals("completed", doc.get("outcome").asText());
    assertEquals(1, doc.get("values").get(0).get("value").asInt());

    CliRun bad = we("call", "service-daemon", "kv", "put", "1");
    assertEquals(1, bad.status(), bad.toString());
    assertEquals(
        "weverywhere: put (i64, i64) -> i32 takes 2 arguments, not 1 [WE2010]\n", bad.err());
    CliRun word = we("call", "service-daemon", "kv", "put", "1", "x");
    assertEquals(1, word.status(), word.toString());
    assertTrue(word.err().endsWith("[WE2010]\n"), word.err());
  }

  @Test
  void refusalsAreOneLineWithTheirCode() {
    CliRun unknown = we("call", "service-daemon", "nope", "f");
    assertEquals(1, unknown.status(), unknown.toString());
    assertTrue(
        unknown
            .err()
            .matches(
                "weverywhere: service-daemon \\(\\S+\\) runs no service 'nope' \\[WE6001\\]\n"),
        unknown.err());
    CliRun function = we("call", "service-daemon", "kv", "pop");
    assertTrue(
        function
            .err()
            .endsWith(
                "offers no function 'pop'; callable: put, get, count, calls, crash [WE6003]\n"),
        function.err());
    CliRun refused = we("call", "service-daemon", "guarded", "add", "1", "2");
    assertEquals(1, refused.status(), refused.toString());
    // the peer's code in parentheses, the CLI's own (a peer refused) at the end, as for every
    // refusal
    assertTrue(
        refused
            .err()
            .endsWith(
                " refused (WE6004): service 'guarded' may be called by [team]; the requester is"
                    + " in [anonymous] [WE5023]\n"),
        refused.err());
    CliRun failed = we("call", "service-daemon", "ghost", "f");
    assertTrue(failed.err().contains("offers no function 'f'"), failed.err());
  }

  @Test
  void aProgramImportingServicesCallsThemHereWithTheirState() {
    assertEquals(0, we("call", "service-daemon", "kv", "put", "9", "900").status());
    CliRun run = we("run", "--peer", "service-daemon", "caller", "20", "22", "9");
    assertEquals(0, run.status(), run.toString());
    assertEquals("math.add(20, 22) = 42\nkv.get(9) = 900\n", run.out());
  }

  @Test
  void importsAreTypeCheckedAgainstTheServiceBeforeAnythingRuns() {
    CliRun wrongType = we("run", "--peer", "service-daemon", "badcaller");
    assertEquals(1, wrongType.status(), wrongType.toString());
    assertTrue(
        wrongType
            .err()
            .contains(
                "imports weverywhere:service/kv.get as (i32) -> i32, but service kv here"
                    + " exports get as (i64, i64) -> i64"),
        wrongType.err());
    // relay imports "next", which this host neither runs nor binds to a peer, and no daemon on
    // loopback announces: looked for by name (issue 17) and refused before anything runs
    CliRun unbound = we("run", "--peer", "service-daemon", "relay", "--function", "relay", "1");
    assertEquals(1, unbound.status(), unbound.toString());
    assertTrue(
        unbound
            .err()
            .contains(
                "imports weverywhere:service/next.relay, but no daemon found on the network runs"
                    + " service 'next' with [relay] as imported ("),
        unbound.err());
    assertTrue(unbound.err().contains("[WE6020]"), unbound.err());
  }

  @Test
  void aTrapIsReportedAndTheServiceRestarts() throws Exception {
    CliRun crash = we("call", "service-daemon", "kv", "crash", "0");
    assertEquals(1, crash.status(), crash.toString());
    assertTrue(crash.err().startsWith("weverywhere: kv.crash on service-daemon ("), crash.err());
    assertTrue(
        crash
            .err()
            .endsWith(
                " did not complete: trapped ([weverywhere: trap: INTEGER_DIVIDE_BY_ZERO: "
                    + crash.err().substring(crash.err().indexOf("INTEGER_DIVIDE_BY_ZERO: ") + 24)),
        crash.err());
    for (int i = 0; i < 500 && !kvIsRunning(); i++) {
      Thread.sleep(10);
    }
    CliRun after = we("call", "service-daemon", "kv", "crash", "4");
    assertEquals("25\n", after.out(), after.toString());
  }

  /** What {@code weverywhere services} says of kv: the daemon's own view, as a user sees it. */
  private static boolean kvIsRunning() throws IOException {
    for (JsonNode service :
        new ObjectMapper().readTree(we("services", "service-daemon", "--json").out())) {
      if (service.path("name").asText().equals("kv")) {
        return service.path("state").asText().equals("running");
      }
    }
    return false;
  }
}
