package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalHold;
import org.weverywhere.net.AnswerSpread;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.trust.Ed25519;

/**
 * Issue 16: a UDP request whose event waits for the journal's fsync holds neither a work slot nor a
 * worker thread, and its reply still leaves only once the event is on disk (exactly-once billing,
 * issue 7). The journal's writes are held, so "not yet durable" lasts as long as the test needs.
 */
class RepliesAfterTheFlushTest {
  private static WeldContainer weld;
  private static Endpoints endpoints;
  private final MessageSigner me = new MessageSigner(Ed25519.generate());

  @BeforeAll
  static void daemon() {
    TestDaemonConfig.prepare(
        "replies-after-the-flush",
        List.of("math.wasi"),
        "group.anonymous.privileges = execute",
        "group.anonymous.quota.network.rate = 100MiB/s");
    weld = DaemonParts.weld().initialize();
    weld.select(org.weverywhere.daemon.Daemon.class).get().identity(); // started with the container
    endpoints = weld.select(Endpoints.class).get();
  }

  @AfterAll
  static void stop() {
    weld.close();
    TestDaemonConfig.clear();
  }

  private byte[] add(long a, long b) {
    return me.sign(
        Header.fresh(Audience.node(endpoints.signer().fingerprint()), Clock.systemUTC().instant()),
        new Message.Execute(
            new Message.LibraryTarget("math"),
            new Message.Call(
                "add",
                List.of(
                    new Message.WasmValue("i32", a, new byte[0]),
                    new Message.WasmValue("i32", b, new byte[0])))));
  }

  /** Bounded polling for a state the daemon reaches by itself. */
  private static void await(String what, BooleanSupplier reached) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!reached.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "never reached: " + what);
      Thread.sleep(5);
    }
  }

  @Test
  void aRequestWaitingForItsFsyncHoldsNoWorkSlotAndItsReplyWaitsForTheDisk() throws Exception {
    int port;
    try (var probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Verifier verifier = endpoints.verifier();
    EventJournal journal = weld.select(EventJournal.class).get();
    var slots = new FairSlots(1, 0); // one work slot in all: a request waiting in it stops the next
    try (var udp =
            UdpEndpoint.open(
                LoopbackNetwork.settings(port),
                endpoints.signer(),
                d -> verifier.verify(d, WireLimits.UDP),
                endpoints.handler(),
                new SourceLimiter(2_000, 4_000, 1_000, System::nanoTime),
                Clock.systemUTC(),
                AnswerSpread.DEFAULT,
                slots,
                key -> false,
                Duration.ofMillis(200));
        var client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      var daemon = new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      try (var held = JournalHold.hold(journal)) {
        long before = journal.nextSequence();
        for (int i = 1; i <= 2; i++) {
          byte[] wire = add(40, i);
          client.send(new DatagramPacket(wire, wire.length, daemon));
          long events = before + 2L * i; // execution.started and execution.finished
          // ran and queued its events, which are not on disk: its slot is free for the next one
          await(
              "execute " + i + " queued its events and left its slot",
              () -> journal.nextSequence() >= events && slots.used() == 0);
        }
        assertFalse(udp.dropped().containsKey("busy"), udp.dropped().toString());
        client.setSoTimeout(300);
        byte[] buffer = new byte[WireLimits.UDP_DATAGRAM_BYTES];
        assertThrows(
            SocketTimeoutException.class,
            () -> client.receive(new DatagramPacket(buffer, buffer.length)),
            "no reply leaves before its event is on disk");
      }
      client.setSoTimeout(20_000);
      var reader = Verifier.of(Clock.systemUTC(), Optional.empty(), 100);
      List<Long> sums = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        byte[] buffer = new byte[WireLimits.UDP_DATAGRAM_BYTES];
        var packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        var result =
            assertInstanceOf(
                Message.Result.class,
                reader
                    .verify(java.util.Arrays.copyOf(buffer, packet.getLength()), WireLimits.UDP)
                    .message());
        sums.add(result.values().getFirst().bits());
      }
      sums.sort(null);
      assertEquals(List.of(41L, 42L), sums, "both answered once their events were durable");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
