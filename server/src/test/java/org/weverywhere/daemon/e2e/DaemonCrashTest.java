package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.ControlClient;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * kill -9 of a daemon under load, then a restart on the same state: every execution whose result
 * reached its client is in the journal, and the sequence numbers run without a gap, as a billing
 * program reading `weverywhere events` after the crash sees them.
 */
class DaemonCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void killNineUnderLoadLosesNoCompletedExecution() throws Exception {
    var config =
        TestDaemonConfig.prepare(
            "crash",
            List.of("math.wasi"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.cores = 2",
            "group.anonymous.quota.network.rate = 100MiB/s");
    TestDaemonConfig.clear(); // the daemon runs in a process of its own, told its directory
    Path log = config.dir().resolve("daemon.log");
    Process daemon = start(config.dir(), log);
    Fingerprint node = DaemonProcess.awaitReady(daemon, log);

    // Four clients call math.add as fast as the daemon answers; each remembers the calls answered.
    Set<String> completed = ConcurrentHashMap.newKeySet();
    AtomicBoolean load = new AtomicBoolean(true);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    var threads =
        java.util.concurrent.Executors.newFixedThreadPool(4); // the common pool may have one thread
    for (int c = 0; c < 4; c++) {
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                var signer = new MessageSigner(Ed25519.generate());
                var udp =
                    new UdpClient(
                        signer,
                        Verifier.of(Clock.systemUTC(), Optional.empty(), 10_000),
                        Clock.systemUTC());
                var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), config.udpPort());
                for (int i = 0; i < 100_000 && load.get(); i++) {
                  try {
                    SignedMessage reply =
                        udp.request(
                            to,
                            node,
                            new Message.Execute(
                                new Message.LibraryTarget("math"),
                                new Message.Call(
                                    "add",
                                    List.of(Message.WasmValue.i32(i), Message.WasmValue.i32(1)))),
                            Duration.ofMillis(500),
                            1);
                    if (reply.message() instanceof Message.Result result
                        && result.outcome().equals("completed")) {
                      completed.add(
                          signer.fingerprint() + " " + i); // base64 fingerprints may hold '/'
                    }
                  } catch (RuntimeException killed) {
                    // the daemon is gone (or was slow): this call never completed for its client
                  }
                }
              },
              threads));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (completed.size() < 200 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    daemon.destroyForcibly(); // SIGKILL, in the middle of the load
    daemon.waitFor(10, TimeUnit.SECONDS);
    load.set(false);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    threads.shutdown();
    assertTrue(completed.size() >= 200, "load reached the daemon: " + completed.size());
    assertEquals(
        4,
        completed.stream().map(call -> call.substring(0, call.indexOf(' '))).distinct().count(),
        "all four clients were answered");

    Process restarted = start(config.dir(), config.dir().resolve("daemon-2.log"));
    try {
      DaemonProcess.awaitReady(restarted, config.dir().resolve("daemon-2.log"));
      List<JsonNode> events = new ArrayList<>();
      try (var control =
          ControlClient.connect(config.dir().resolve("state/control.sock"), Clock.systemUTC())) {
        long since = 1;
        for (int batch = 0; batch < 10_000; batch++) {
          Message.Report report =
              control.request(
                  new Message.Control(
                      "events", Map.of("since", Long.toString(since), "limit", "1000")),
                  Duration.ofSeconds(30));
          List<?> lines = (List<?>) report.data().get("events");
          for (Object line : lines) {
            events.add(JSON.readTree(line.toString()));
          }
          if (lines.isEmpty()) {
            break;
          }
          since = ((Number) report.data().get("next")).longValue();
        }
      }
      for (int i = 0; i < events.size(); i++) {
        assertEquals(
            i + 1, events.get(i).get("weverywhereseq").asLong(), "no gap in sequence numbers");
      }
      Map<String, Long> finished = new HashMap<>();
      for (JsonNode event : events) {
        if (event.get("type").asText().equals("org.weverywhere.execution.finished")) {
          finished.merge(event.get("data").get("requester").asText(), 1L, Long::sum);
        }
      }
      Map<String, Long> answered = new HashMap<>();
      completed.forEach(
          call -> answered.merge(call.substring(0, call.indexOf(' ')), 1L, Long::sum));
      answered.forEach(
          (requester, count) ->
              assertTrue(
                  finished.getOrDefault(requester, 0L) >= count,
                  requester
                      + ": "
                      + count
                      + " calls answered, "
                      + finished.get(requester)
                      + " journaled"));
      assertEquals(
          2,
          events.stream()
              .filter(e -> e.get("type").asText().equals("org.weverywhere.daemon.started"))
              .count(),
          "both starts are in the journal");
    } finally {
      restarted.getOutputStream().close();
      if (!restarted.waitFor(10, TimeUnit.SECONDS)) {
        restarted.destroyForcibly();
      }
    }
  }

  private static Process start(Path dir, Path log) throws IOException {
    return new ProcessBuilder(DaemonProcess.command(List.of(), dir))
        .redirectError(log.toFile())
        .start();
  }
}
