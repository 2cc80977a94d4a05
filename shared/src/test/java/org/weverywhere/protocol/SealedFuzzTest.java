package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SessionKeys.Direction;
import org.weverywhere.trust.Fingerprint;

/**
 * Hostile input to the sealed decoder (docs/PROTOCOL.md §5a): whatever bytes reach it, inside a
 * session that exists or not, end in a message or a {@link ProtocolException} with a protocol code;
 * no changed byte of a sealed message is ever accepted; payloads of junk sealed with the right key
 * meet the same payload rules as signed ones; the replay window accepts each counter at most once.
 */
class SealedFuzzTest {
  private static final KeyPair CLIENT = VectorKeys.fromSeed(VectorKeys.CLIENT_SEED);
  private static final KeyPair NODE = VectorKeys.fromSeed(VectorKeys.NODE_SEED);
  private static final Fingerprint NODE_ID = Fingerprint.of(NODE.getPublic());
  private static final SessionCases CASES =
      new SessionCases(
          CLIENT,
          NODE,
          NODE_ID,
          ProtocolVectors.SIGNED_AT,
          ProtocolVectors.NOW,
          n -> new MessageId(0x0102030405060708L, n + 1L));
  private static final AtomicLong COUNTER = new AtomicLong(1);

  private static Verifier nodeVerifier() {
    return Verifier.of(
        Clock.fixed(ProtocolVectors.NOW, ZoneOffset.UTC), Optional.of(NODE_ID), 1 << 16);
  }

  private static Session freshNodeSession() {
    return SessionCases.nodeSession(
        CASES.handshake(),
        NODE,
        NODE_ID,
        java.util.HexFormat.of().parseHex(SessionCases.NODE_EPHEMERAL));
  }

  private static Session freshClientSession() {
    return SessionCases.clientSession(
        CASES.handshake(),
        CLIENT,
        java.util.HexFormat.of().parseHex(SessionCases.CLIENT_EPHEMERAL));
  }

  private static final Session NODE_END = freshNodeSession();
  private static final Session CLIENT_END = freshClientSession();
  private static final Verifier.Sessions HELD =
      id -> java.util.Arrays.equals(id, NODE_END.id()) ? NODE_END : null;

  private static byte[] sealedExecute(long counter) {
    Header header =
        new Header(
            Header.VERSION,
            MessageId.random(),
            ProtocolVectors.SIGNED_AT,
            Audience.node(NODE_ID),
            Optional.empty(),
            Optional.empty());
    Message add =
        new Message.Execute(
            new Message.LibraryTarget("math"),
            new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
    return CLIENT_END.seal(MessageCodec.encode(header, add), counter, Direction.TO_NODE);
  }

  private static void refusedWithAProtocolCode(byte[] wire, Verifier.Sessions sessions) {
    try {
      SignedMessage accepted = nodeVerifier().verify(wire, wire.length, WireLimits.UDP, sessions);
      throw new AssertionError("accepted: " + accepted.message().type());
    } catch (ProtocolException refused) {
      assertTrue(refused.code().code().startsWith("WE50"), refused.code().code());
    }
  }

  @Example
  void aSealedMessageIsAcceptedOnceAndNamesTheHandshakesSigner() {
    byte[] wire = sealedExecute(COUNTER.getAndIncrement());
    Verifier verifier = nodeVerifier();
    SignedMessage accepted = verifier.verify(wire, wire.length, WireLimits.UDP, HELD);
    assertEquals(Fingerprint.of(CLIENT.getPublic()), accepted.fingerprint());
    assertEquals("execute", accepted.message().type());
    var again =
        assertThrows(
            ProtocolException.class,
            () -> verifier.verify(wire, wire.length, WireLimits.UDP, HELD));
    assertEquals(Reason.SESSION_REPLAYED, again.reason());
    assertEquals("WE5082", again.code().code());
    var restarted =
        assertThrows(
            ProtocolException.class,
            () -> nodeVerifier().verify(wire, wire.length, WireLimits.UDP, Verifier.Sessions.NONE));
    assertEquals(Reason.SESSION_UNKNOWN, restarted.reason());
  }

  /** Random bytes after the exact start of a sealed message: past the cheapest checks. */
  @Property(tries = 2000)
  void arbitraryBytesAfterASealedHeadEndInAProtocolError(
      @ForAll @Size(max = 300) byte[] tail, @ForAll boolean knownSession) {
    byte[] head = java.util.Arrays.copyOf(sealedExecute(0), 4 + Sealed.HEADER_BYTES);
    byte[] wire = SessionKeys.concat(head, tail);
    refusedWithAProtocolCode(wire, knownSession ? HELD : Verifier.Sessions.NONE);
  }

  @Property(tries = 2000)
  void arbitraryBytesEndInAProtocolError(@ForAll @Size(max = 1300) byte[] wire) {
    if (wire.length > 0) {
      wire[0] = (byte) 0xd0;
    }
    refusedWithAProtocolCode(wire, HELD);
  }

  /** A sealed message with bytes changed, cut or added is never accepted. */
  @Property(tries = 3000)
  void noChangedSealedMessageIsAccepted(
      @ForAll @IntRange(min = 0, max = 2000) int at,
      @ForAll byte xor,
      @ForAll @IntRange(min = 0, max = 2) int how) {
    byte[] wire = sealedExecute(COUNTER.getAndIncrement());
    byte[] changed =
        switch (how) {
          case 0 -> {
            byte[] c = wire.clone();
            c[at % c.length] ^= (xor == 0 ? 1 : xor);
            yield c;
          }
          case 1 -> java.util.Arrays.copyOf(wire, at % wire.length);
          default -> SessionKeys.concat(wire, new byte[] {xor});
        };
    refusedWithAProtocolCode(changed, HELD);
  }

  @Provide
  Arbitrary<Map<String, Object>> junkPayloads() {
    var signed = new SignedPayloadFuzzTest();
    return Arbitraries.oneOf(
        signed.randomBodies(), signed.mutatedBodies(), signed.mutatedHeaders());
  }

  /** Junk payloads sealed with the right key meet the payload rules of §3, like signed ones. */
  @Property(tries = 1500)
  void sealedJunkPayloadsDecodeOrFailWithTheProtocolsError(
      @ForAll("junkPayloads") Map<String, Object> payload) {
    byte[] wire =
        CLIENT_END.seal(Cbor.encode(payload), COUNTER.getAndIncrement(), Direction.TO_NODE);
    try {
      nodeVerifier().verify(wire, wire.length, WireLimits.HTTP, HELD);
    } catch (ProtocolException refused) {
      assertTrue(refused.code().code().startsWith("WE50"), refused.code().code());
    }
  }

  /** The window against a model: each counter once, nothing older than 1024 below the highest. */
  @Property(tries = 500)
  void theReplayWindowAcceptsEachCounterAtMostOnce(
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 5000) Integer> counters) {
    ReplayWindow window = new ReplayWindow();
    Set<Long> seen = new HashSet<>();
    long highest = -1;
    for (int c : counters) {
      boolean expected =
          !seen.contains((long) c) && (c > highest || highest - c < ReplayWindow.SIZE);
      assertEquals(expected, window.accept(c), "counter " + c + " after highest " + highest);
      if (expected) {
        seen.add((long) c);
        highest = Math.max(highest, c);
      }
    }
  }
}
