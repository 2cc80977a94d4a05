package org.weverywhere.daemon.liberty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.UnicastProbe;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/** The fixture itself, against the real Liberty daemon this build installed. */
class LibertyDaemonIT {
  private static Fingerprint discover(LibertyDaemon daemon) {
    return new UnicastProbe(
            new MessageSigner(Ed25519.generate()),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 64),
            Clock.systemUTC())
        .ask(daemon.udpAddress(), Duration.ofSeconds(5))
        .node();
  }

  private static int health(LibertyDaemon daemon) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(daemon.httpBase().resolve("/health/ready"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /**
   * A heap smaller than the build's 2 GiB, and directory trees it can hold beside the daemon's own
   * 512 MiB: a daemon refuses to start on quotas its heap could not run one execution under.
   */
  private static final String SMALL_HEAP = "1g";

  private static final String SMALL_TREES = "host.quota.disk.per-execution = 64MiB";

  private static String announcedName(LibertyDaemon daemon) {
    return new UnicastProbe(
            new MessageSigner(Ed25519.generate()),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 64),
            Clock.systemUTC())
        .ask(daemon.udpAddress(), Duration.ofSeconds(5))
        .announce()
        .name();
  }

  /**
   * On Liberty the daemon's threads come from the container's managed thread factory, and it reads
   * its configuration through Liberty's MicroProfile Config: the environment (300) outranks the
   * files (250), a system property (400) outranks both, as MicroProfile Config defines them; and
   * the beans' {@code @ConfigProperties} sections (typed by this application's converters) are
   * injected, or it would not start.
   */
  @Test
  void environmentAndSystemPropertiesOutrankTheFilesThroughLibertysMicroProfileConfig()
      throws Exception {
    try (var byEnvironment =
            LibertyDaemon.builder()
                .name("in-the-file")
                .heap(SMALL_HEAP)
                .line(SMALL_TREES)
                .env("NODE_NAME", "from-the-environment")
                .start();
        var byProperty =
            LibertyDaemon.builder()
                .name("in-the-file")
                .heap(SMALL_HEAP)
                .line(SMALL_TREES)
                .env("NODE_NAME", "from-the-environment")
                .jvmOption("-Dnode.name=from-a-property")
                .start()) {
      assertEquals("from-the-environment", announcedName(byEnvironment));
      assertEquals("from-a-property", announcedName(byProperty));
      // and its threads are the container's: made by Jakarta Concurrency's managed factory
      String log = Files.readString(byEnvironment.messagesLog());
      var tally =
          java.util.regex.Pattern.compile(
                  "platform threads made so far: (\\d+) from java:comp/DefaultManagedThreadFactory,"
                      + " (\\d+) plain")
              .matcher(log);
      assertTrue(tally.find(), "no thread tally in messages.log");
      assertTrue(Integer.parseInt(tally.group(1)) > 0, tally.group());
      // but one: the event journal's writer, which the start waits for (ThreadSource.unmanaged)
      assertEquals("1", tally.group(2), tally.group());
    }
  }

  @Test
  void twoDaemonsSideBySideAnswerEachAsItself() throws Exception {
    try (var a =
            LibertyDaemon.builder().name("fixture-a").heap(SMALL_HEAP).line(SMALL_TREES).start();
        var b =
            LibertyDaemon.builder().name("fixture-b").heap(SMALL_HEAP).line(SMALL_TREES).start()) {
      assertNotEquals(a.udpPort(), b.udpPort());
      assertNotEquals(a.httpPort(), b.httpPort());
      assertNotEquals(a.nodeId(), b.nodeId(), "each has its own state directory, so its own key");
      assertEquals(a.nodeId(), discover(a));
      assertEquals(b.nodeId(), discover(b));
      assertEquals(200, health(a));
      assertEquals(200, health(b));
      assertTrue(Files.exists(a.controlSocket()), a.controlSocket().toString());
      assertTrue(Files.readString(a.messagesLog()).contains("CWWKF0011I"), "Liberty's own log");
      assertNotEquals(a.pid(), b.pid());
    }
  }

  @Test
  void aKilledDaemonRestartsOnItsStateDirectory() throws Exception {
    Path root;
    try (var daemon =
        LibertyDaemon.builder().name("fixture-kill").heap(SMALL_HEAP).line(SMALL_TREES).start()) {
      root = daemon.stateDir().getParent();
      Fingerprint before = daemon.nodeId();
      byte[] key = Files.readAllBytes(daemon.stateDir().resolve("host.key.pem"));
      long pid = daemon.pid();

      daemon.kill();
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      assertFalse(daemon.isRunning());

      daemon.restart();
      assertNotEquals(pid, daemon.pid());
      assertEquals(before, daemon.nodeId(), "the same host key after kill -9");
      assertEquals(before, discover(daemon));
      assertArrayEquals(key, Files.readAllBytes(daemon.stateDir().resolve("host.key.pem")));
    }
    assertFalse(Files.exists(root), "close deletes the fixture's directories");
  }

  /** Bad input to the fixture: a configuration the daemon refuses is a clear, bounded failure. */
  @Test
  void aConfigurationTheDaemonRefusesFailsTheStartWithItsLog() {
    var failure =
        assertThrows(
            LibertyDaemon.StartFailure.class,
            () ->
                LibertyDaemon.builder()
                    .name("fixture-bad")
                    .heap(SMALL_HEAP)
                    .line(SMALL_TREES)
                    .line("netwrk.port = 1")
                    .readyTimeout(Duration.ofSeconds(300))
                    .start()
                    .close());
    assertTrue(failure.getMessage().contains("messages.log"), failure.getMessage());
    assertTrue(failure.getMessage().contains("netwrk.port"), failure.getMessage());
  }

  /**
   * Issue 19: beans take their sections as MicroProfile {@code @ConfigProperties} mappings on
   * Liberty too (the daemon above would not start otherwise), and the daemon's own check runs
   * before Liberty's MicroProfile Config fills them: a bad environment value of a mapped key
   * ({@code host.quota.cores}, taken by a converter of this application) is named by its variable,
   * with the configuration's message, not a converter's.
   */
  @Test
  void aBadEnvironmentValueOfAMappedSectionFailsTheStartNamingItsVariable() {
    var failure =
        assertThrows(
            LibertyDaemon.StartFailure.class,
            () ->
                LibertyDaemon.builder()
                    .name("fixture-bad-variable")
                    .heap(SMALL_HEAP)
                    .line(SMALL_TREES)
                    .env("HOST_QUOTA_CORES", "2.5")
                    .readyTimeout(Duration.ofSeconds(300))
                    .start()
                    .close());
    String said = failure.getMessage();
    assertTrue(
        said.contains(
            "environment HOST_QUOTA_CORES: host.quota.cores: expected a whole number of cores like"
                + " 2, got '2.5'"),
        said);
    assertFalse(said.contains("SRCFG"), said);
  }

  /**
   * Issue 13: eight cores of directory trees on the build's 2 GiB heap left no room for guest
   * memory; the daemon started and refused every execution while only a log warning said why. It
   * now refuses to start, naming the key, its file and line, and the figures.
   */
  @Test
  void quotasTheHeapCannotHoldFailTheStartNamingTheKeyItsLineAndTheFigures() {
    var failure =
        assertThrows(
            LibertyDaemon.StartFailure.class,
            () ->
                LibertyDaemon.builder()
                    .name("fixture-unfit")
                    .line("host.quota.cores = 8")
                    .readyTimeout(Duration.ofSeconds(300))
                    .start()
                    .close());
    String said = failure.getMessage();
    assertTrue(said.contains("the daemon's application did not start"), said);
    assertTrue(
        said.contains(LibertyDaemon.FIXTURE_CONF + ":6: host.quota.cores = 8: the JVM heap ("),
        said);
    assertTrue(said.contains("8 × 256 MiB, host.quota.disk.per-execution"), said);
    assertTrue(said.contains("raise -Xmx in jvm.options"), said);
  }
}
