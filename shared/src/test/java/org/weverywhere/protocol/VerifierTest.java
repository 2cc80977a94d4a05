package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Message.Call;
import org.weverywhere.protocol.Message.Execute;
import org.weverywhere.protocol.Message.LibraryTarget;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

class VerifierTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private final MessageSigner alice = new MessageSigner(Ed25519.generate());
  private final MessageSigner host = new MessageSigner(Ed25519.generate());
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private Verifier hostVerifier() {
    return Verifier.of(clock, Optional.of(host.fingerprint()), 1000);
  }

  private static Message execute() {
    return new Execute(
        new LibraryTarget("math"), new Call("add", List.of(WasmValue.i32(2), WasmValue.i32(40))));
  }

  @Test
  void aSignedRequestVerifiesWithItsHeaderBodyAndSigner() {
    Header header = Header.fresh(Audience.node(host.fingerprint()), NOW).withGroup("friends");
    byte[] wire = alice.sign(header, execute());

    SignedMessage got = hostVerifier().verify(wire, WireLimits.UDP);

    assertEquals(header, got.header());
    assertEquals(alice.fingerprint(), got.fingerprint());
    assertEquals(Fingerprint.of(alice.publicKey()), Fingerprint.of(got.signer()));
    assertArrayEquals(
        MessageCodec.encode(header, execute()), MessageCodec.encode(got.header(), got.message()));
    assertEquals(wire.length, got.size());
    assertTrue(
        wire.length < 300, "an addressed execute call is under 300 bytes, not " + wire.length);
  }

  @Test
  void everyMessageTypeSurvivesTheRoundTrip() {
    byte[] hash = new byte[32];
    List<Message> all =
        List.of(
            new Message.Discover(),
            new Message.Announce("box", 22341, List.of("math"), List.of("counter")),
            new Message.Bye(),
            new Message.Describe(List.of("host", "libraries")),
            new Message.Description(
                Map.of("cores", 8L),
                List.of(new Message.Library("math", "1.0", hash, 1234, List.of("add"))),
                List.of(
                    new Message.Service(
                        "counter",
                        "math",
                        Optional.of(hash),
                        List.of("add (i32, i32) -> i32"),
                        2,
                        1,
                        "restarting",
                        1_767_225_600_000L,
                        Optional.of("trapped")))),
            new Message.Fetch("math", Optional.of(hash)),
            new Message.ModuleReply("math", hash, new byte[] {0, 'a', 's', 'm'}),
            new Execute(
                new Message.ModuleTarget(new byte[] {1, 2}),
                new Message.Command(List.of("-v"), Map.of("A", "b"), new byte[] {'x'})),
            new Message.Result(
                "completed",
                0,
                new byte[] {'o'},
                new byte[0],
                List.of(WasmValue.f64(Double.NaN)),
                1200),
            new Message.Control("drain", Map.of()),
            new Message.Report(
                "status",
                Map.of(
                    "draining",
                    false,
                    "in-flight",
                    2L,
                    "groups",
                    Map.of("friends", Map.of("slots", 1L, "privileges", List.of("execute"))))),
            new Message.ErrorReply("WE5022", "cpu quota of friends exceeded", Optional.of("cpu")),
            new Message.ServiceCall(
                "kv", "get", List.of(new WasmValue("i64", 7), new WasmValue("i64", -1))));
    assertEquals(Message.TYPES.size(), all.size());
    all = new java.util.ArrayList<>(all);
    all.add(new Message.Control("publish", Map.of(), Optional.of(new byte[] {0, 'a', 's', 'm'})));
    all.add(
        new Message.Result("completed", 0, new byte[0], new byte[0], List.of(), 1200, 5000, 65536));
    Verifier verifier = hostVerifier();
    for (Message m : all) {
      Header header = Header.fresh(Audience.ANY, NOW);
      SignedMessage got = verifier.verify(alice.sign(header, m), WireLimits.HTTP);
      assertEquals(m.type(), got.message().type());
      assertArrayEquals(
          MessageCodec.encode(header, m),
          MessageCodec.encode(got.header(), got.message()),
          m.type());
    }
  }

  @Test
  void eachRejectionHasItsReason() {
    Verifier verifier = hostVerifier();
    byte[] good = alice.sign(Header.fresh(Audience.ANY, NOW), execute());

    byte[] flipped = good.clone();
    flipped[flipped.length - 1] ^= 1;
    assertReason(Reason.BAD_SIGNATURE, () -> verifier.verify(flipped, WireLimits.UDP));
    byte[] payloadFlipped = good.clone();
    payloadFlipped[60] ^= 1;
    assertReason(Reason.BAD_SIGNATURE, () -> verifier.verify(payloadFlipped, WireLimits.UDP));

    assertReason(
        Reason.TRUNCATED,
        () -> verifier.verify(java.util.Arrays.copyOf(good, good.length - 10), WireLimits.UDP));
    assertReason(Reason.OVERSIZED, () -> verifier.verify(new byte[1201], WireLimits.UDP));

    byte[] old = alice.sign(Header.fresh(Audience.ANY, NOW.minusSeconds(31)), execute());
    assertReason(Reason.STALE, () -> verifier.verify(old, WireLimits.UDP));
    byte[] future = alice.sign(Header.fresh(Audience.ANY, NOW.plusSeconds(31)), execute());
    assertReason(Reason.STALE, () -> verifier.verify(future, WireLimits.UDP));
    verifier.verify(
        alice.sign(Header.fresh(Audience.ANY, NOW.minusSeconds(30)), execute()), WireLimits.UDP);

    byte[] elsewhere = alice.sign(Header.fresh(Audience.node(alice.fingerprint()), NOW), execute());
    assertReason(Reason.WRONG_AUDIENCE, () -> verifier.verify(elsewhere, WireLimits.UDP));

    verifier.verify(good, WireLimits.UDP);
    assertReason(Reason.REPLAYED, () -> verifier.verify(good, WireLimits.UDP));
  }

  @Test
  void aHeaderWithNanosecondsEqualsItsDecodedCopy() {
    Header header = Header.fresh(Audience.ANY, NOW.plusNanos(123_456_789));
    SignedMessage got =
        hostVerifier().verify(alice.sign(header, new Message.Bye()), WireLimits.UDP);
    assertEquals(header, got.header());
    assertEquals(NOW.plusMillis(123), got.header().timestamp());
  }

  @Test
  void theWindowIsConfigurable() {
    Verifier strict =
        new Verifier(
            clock,
            Duration.ofSeconds(5),
            new ReplayCache(Duration.ofSeconds(5), 100),
            Optional.empty());
    byte[] sixSecondsOld = alice.sign(Header.fresh(Audience.ANY, NOW.minusSeconds(6)), execute());
    assertReason(Reason.STALE, () -> strict.verify(sixSecondsOld, WireLimits.UDP));
  }

  static void assertReason(Reason reason, org.junit.jupiter.api.function.Executable action) {
    ProtocolException e = assertThrows(ProtocolException.class, action);
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
