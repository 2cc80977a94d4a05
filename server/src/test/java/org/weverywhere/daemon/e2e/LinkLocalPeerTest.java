package org.weverywhere.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.cli.Main;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.net.UnicastProbe;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * A daemon reached only by its IPv6 link-local address, {@code [fe80::...%bridge]:port}: the CLI
 * fetches from it over HTTP, and the explorer's way (a probe, then the bulk channel at the address
 * the answer came from) describes it. Both need the zone, which the CLI used to drop. One network
 * namespace of our own on a bridge of our own; needs root and iproute2, skipped with the reason
 * otherwise; everything it creates is removed afterwards.
 */
class LinkLocalPeerTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000, 36);
  private static final TestNetwork NETWORK =
      TestNetwork.named("we-", "we-ll-" + TAG, "10.57.79", List.of("a"))
          .tagged("-" + TAG)
          .withoutDuplicateAddressDetection();
  private static final String DAEMON_LINK_LOCAL = "fe80::5745:a";
  private static final int PORT = 40000 + (int) (ProcessHandle.current().pid() % 20000) + 7;

  private static Process daemon;
  private static Fingerprint node;
  private static Path work;

  @BeforeAll
  static void host() throws Exception {
    Optional<String> missing = TestNetwork.missing("ip");
    missing.ifPresent(why -> System.out.println("LinkLocalPeerTest skipped: " + why));
    assumeTrue(missing.isEmpty(), missing.orElse(""));
    boolean ready =
        NETWORK.create()
            && NETWORK.run(
                "ip", "-6", "addr", "add", "fe80::5745:1/64", "dev", NETWORK.bridge(), "nodad")
            && NETWORK.run(
                NETWORK.exec(
                    "a",
                    "ip",
                    "-6",
                    "addr",
                    "add",
                    DAEMON_LINK_LOCAL + "/64",
                    "dev",
                    NETWORK.veth("a"),
                    "nodad"));
    if (!ready) {
      System.out.println("LinkLocalPeerTest skipped: the namespace setup was refused");
      NETWORK.close();
    }
    assumeTrue(ready, "could not create the namespace, bridge and link-local addresses");
    work = ScratchDirectories.create("we-linklocal");
    Path libraries = Files.createDirectories(work.resolve("libraries"));
    Files.copy(EXAMPLES.resolve("math.wasi"), libraries.resolve("math.wasi"));
    Files.writeString(
        work.resolve("weverywhere.conf"),
        String.join(
            "\n",
            "node.name = link-local",
            "state.dir = " + work.resolve("state"),
            "libraries.dir = " + libraries,
            "libraries.builtin = false",
            "network.interfaces = " + NETWORK.veth("a"),
            "network.port = " + PORT,
            "network.ttl = 1",
            "http.port = " + PORT,
            "group.anonymous.privileges = execute, fetch",
            ""));
    daemon =
        new ProcessBuilder(
                NETWORK.exec(
                    "a",
                    DaemonProcess.command(
                            List.of(),
                            work,
                            // every address of the namespace, its link-local one included
                            "http=:::" + PORT)
                        .toArray(String[]::new)))
            .redirectError(work.resolve("daemon.log").toFile())
            .start();
    node = DaemonProcess.awaitReady(daemon, work.resolve("daemon.log"));
  }

  @AfterAll
  static void remove() throws Exception {
    if (daemon != null) {
      daemon.getOutputStream().close();
      if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
        daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    NETWORK.close();
    if (work != null) {
      ScratchDirectories.delete(work);
    }
  }

  private static String linkLocalPeer() {
    return "[" + DAEMON_LINK_LOCAL + "%" + NETWORK.bridge() + "]:" + PORT;
  }

  @Test
  void theCliFetchesOverHttpFromALinkLocalPeer() throws Exception {
    Path out = work.resolve("fetched.wasi");
    List<String> args =
        new ArrayList<>(
            List.of("fetch", linkLocalPeer(), "math", "-o", out.toString(), "--timeout", "3"));
    var said = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(said, true));
    cli.setErr(new PrintWriter(said, true));
    // the first datagram may meet a cold neighbour cache: ask a bounded number of times
    int status = -1;
    for (int attempt = 0; attempt < 3 && status != 0; attempt++) {
      status = cli.execute(args.toArray(String[]::new));
    }
    assertEquals(0, status, said.toString());
    assertTrue(
        java.util.Arrays.equals(
            Files.readAllBytes(EXAMPLES.resolve("math.wasi")), Files.readAllBytes(out)),
        "the fetched module is the one the daemon offers");
  }

  @Test
  void theExplorersWayDescribesALinkLocalPeer() throws Exception {
    var signer = new MessageSigner(Ed25519.generate());
    var verifier = Verifier.of(Clock.systemUTC(), Optional.empty(), 100);
    InetSocketAddress udp = PeerAddress.parse(linkLocalPeer()).socketAddress();
    Announcement heard = null;
    for (int attempt = 0; attempt < 3 && heard == null; attempt++) {
      try {
        heard =
            new UnicastProbe(signer, verifier, Clock.systemUTC()).ask(udp, Duration.ofSeconds(3));
      } catch (org.weverywhere.protocol.ProtocolException silent) {
        if (attempt == 2) {
          throw silent;
        }
      }
    }
    assertEquals(node, heard.node());
    // as desktop's client.PeerAddress#http does it: the address the answer came from, zone kept
    var http = PeerAddress.of(heard.from()).http(heard.announce().httpPort());
    var description =
        (Message.Description)
            new BulkClient(
                    signer,
                    verifier,
                    Clock.systemUTC(),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    WireLimits.HTTP)
                .request(
                    http, node, new Message.Describe(List.of("libraries"), Optional.empty(), 0))
                .message();
    assertEquals(
        List.of("math"),
        description.libraries().stream().map(Message.Library::name).toList(),
        description.toString());
  }
}
