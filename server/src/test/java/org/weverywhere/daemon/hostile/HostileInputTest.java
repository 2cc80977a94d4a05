package org.weverywhere.daemon.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.e2e.DaemonProcess;
import org.weverywhere.events.SmallDisk;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

/**
 * Issue 13, item 6 against the daemon's beans in a process of their own (UDP and the HTTP bulk
 * channel on loopback, the JDK's HTTP server standing in for Liberty): a fetched module is reserved
 * at admission and paced by its group's rate. The hostile suite runs against the real daemon on
 * Liberty ({@code HostileIT}, item 6 included); this is the same check without Liberty, where a
 * fault in the pacing itself would show apart from one in how Liberty carries it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair FRIEND = Ed25519.generate();
  private static final KeyPair FETCHER = Ed25519.generate();
  private static TestDaemonConfig config;
  private static Path journalDisk;
  private static boolean smallDisk;
  private static Process daemon;
  private static BufferedReader daemonOut;
  private static Fingerprint node;

  @BeforeAll
  static void startDaemon() throws Exception {
    Path base = ScratchDirectories.create("we-hostile");
    journalDisk = Files.createDirectories(base.resolve("journal-disk"));
    smallDisk = SmallDisk.mount(journalDisk, "4m");
    config =
        TestDaemonConfig.prepare(
            "hostile",
            List.of("math.wasi", "hello.wasi", "fixtures/loop.wasm"),
            "group.anonymous.privileges = execute",
            "group.anonymous.quota.network.rate = 4MiB/s",
            "group.anonymous.quota.cpu-time.per-execution = 100ms",
            "group.friends.privileges = execute, fetch, observe",
            "group.friends.quota.cores = 1",
            "group.fetchers.privileges = fetch",
            "group.fetchers.quota.network.rate = 32KiB/s",
            "group.fetchers.quota.network.period-bytes = 200KiB",
            "http.unverified.max-total = 8MiB",
            "http.unverified.large-per-source = 1",
            "events.refusals.interval = 1s",
            "events.journal.dir = " + journalDisk.resolve("events"));
    TestDaemonConfig.clear(); // the daemon runs in a process of its own, told its directory
    for (var group : Map.of("friends", FRIEND, "fetchers", FETCHER).entrySet()) {
      Path dir = Files.createDirectories(config.dir().resolve("groups").resolve(group.getKey()));
      Files.writeString(
          dir.resolve("key.pub-key.pem"), KeyPem.publicKeyText(group.getValue().getPublic()));
    }
    Path log = config.dir().resolve("daemon.log");
    daemon =
        new ProcessBuilder(DaemonProcess.command(List.of(), config.dir(), "--http"))
            .redirectError(log.toFile())
            .start();
    daemonOut =
        new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
    String ready =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return daemonOut.readLine();
                  } catch (IOException e) {
                    return null;
                  }
                })
            .get(60, TimeUnit.SECONDS);
    if (ready == null || !ready.startsWith("READY ")) {
      throw new AssertionError("daemon did not start: " + ready + "\n" + Files.readString(log));
    }
    node = Fingerprint.parse(ready.substring("READY ".length()));
  }

  @AfterAll
  static void stopDaemon() throws Exception {
    try {
      if (daemon != null) {
        daemon.getOutputStream().close();
        if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
          daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (smallDisk) {
        SmallDisk.unmount(journalDisk);
      }
    }
  }

  /** What the daemon's readiness says is wrong, asked over its standard input. */
  private static String problems() throws Exception {
    OutputStream in = daemon.getOutputStream();
    in.write("problems\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return daemonOut.readLine();
                  } catch (IOException e) {
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertTrue(line != null && line.startsWith("PROBLEMS "), line);
    return line.substring("PROBLEMS ".length());
  }

  private static InetSocketAddress udp() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), config.udpPort());
  }

  private static URI http() {
    return URI.create("http://127.0.0.1:" + config.httpPort());
  }

  private static SignedMessage ask(KeyPair key, Message message, Duration wait) {
    var client =
        new UdpClient(
            new MessageSigner(key),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC());
    return client.request(udp(), node, message, wait, 3);
  }

  private static SignedMessage askHttp(KeyPair key, Message message) {
    return new BulkClient(
            new MessageSigner(key),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            WireLimits.HTTP)
        .request(http(), node, message);
  }

  /** The daemon still answers a trusted key over both transports, and says nothing is wrong. */
  private static void stillAnswers() throws Exception {
    assertInstanceOf(
        Message.Description.class,
        ask(FRIEND, new Message.Describe(List.of()), Duration.ofSeconds(2)).message());
    assertInstanceOf(
        Message.Description.class, askHttp(FRIEND, new Message.Describe(List.of())).message());
    var result =
        assertInstanceOf(
            Message.Result.class, ask(FRIEND, add(20, 22), Duration.ofSeconds(5)).message());
    assertEquals(List.of(new Message.WasmValue("i32", 42)), result.values());
    assertEquals("[]", problems());
  }

  private static Message.Execute add(int a, int b) {
    return new Message.Execute(
        new Message.LibraryTarget("math"),
        new Message.Call("add", List.of(Message.WasmValue.i32(a), Message.WasmValue.i32(b))));
  }

  @Test
  @Order(5)
  void item6AFetchedModuleIsReservedAtAdmissionAndPacedByItsGroupsRate() throws Exception {
    // hello.wasi is ≈34 KB; the fetchers may move 32 KiB/s and 200 KiB per period
    long start = System.nanoTime();
    var module =
        assertInstanceOf(
            Message.ModuleReply.class,
            askHttp(FETCHER, new Message.Fetch("hello", Optional.empty())).message());
    long took = System.nanoTime() - start;
    assertTrue(module.module().length > 30_000);
    assertTrue(took > TimeUnit.MILLISECONDS.toNanos(5), "paced: " + took / 1_000_000 + " ms");
    // ten at once: only what fits the period is admitted; the rest is refused before a byte is sent
    var pool = Executors.newFixedThreadPool(10);
    List<CompletableFuture<String>> fetches = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fetches.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return askHttp(FETCHER, new Message.Fetch("hello", Optional.empty()))
                      .message()
                      .type();
                } catch (
                    ProtocolException
                        refusal) { // a signed error reply: refused before a byte was sent
                  return refusal.getMessage();
                }
              },
              pool));
    }
    int served = 0;
    int refused = 0;
    for (var fetch : fetches) {
      String reply = fetch.get(120, TimeUnit.SECONDS);
      if (reply.equals("module")) {
        served++;
      } else {
        assertTrue(
            reply.contains("quota 'network-period'") || reply.contains("quota 'network-rate'"),
            reply);
        refused++;
      }
    }
    pool.shutdown();
    assertTrue(
        served <= 4,
        "at most the period's 200 KiB leave: " + served + " modules of 34 KB after the first");
    assertTrue(refused >= 6, "refused: " + refused);
    stillAnswers();
  }
}
