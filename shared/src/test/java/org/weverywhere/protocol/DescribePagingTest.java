package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.weverywhere.trust.Ed25519;

/**
 * The paging fields of describe ({@code cursor}, {@code pad}) and description ({@code next}):
 * whatever their values, they survive signing and verification unchanged, the signed size is known
 * without signing, and a wrong type is refused with the field's path.
 */
class DescribePagingTest {
  private static final KeyPair KEYS = Ed25519.generate();
  private static final MessageSigner SIGNER = new MessageSigner(KEYS);

  private static SignedMessage roundTrip(Message message) {
    byte[] wire = SIGNER.sign(Header.fresh(Audience.ANY, ProtocolVectors.NOW), message);
    assertEquals(
        wire.length,
        SIGNER.signedSize(Header.fresh(Audience.ANY, ProtocolVectors.NOW), message),
        "signedSize must match what sign makes");
    return Verifier.of(Clock.fixed(ProtocolVectors.NOW, ZoneOffset.UTC), Optional.empty(), 16)
        .verify(wire, WireLimits.HTTP);
  }

  @Property(tries = 300)
  void describeSurvivesTheWire(
      @ForAll("what") List<String> what,
      @ForAll @StringLength(max = 200) Optional<String> cursor,
      @ForAll @IntRange(max = 70_000) int pad) {
    var describe = new Message.Describe(what, cursor, pad);
    assertEquals(describe, roundTrip(describe).message());
  }

  @Property(tries = 200)
  void descriptionSurvivesTheWire(
      @ForAll @StringLength(max = 200) Optional<String> next,
      @ForAll @IntRange(max = 30) int libraries) {
    List<Message.Library> list = new ArrayList<>();
    for (int i = 0; i < libraries; i++) {
      byte[] hash = new byte[32];
      hash[0] = (byte) i;
      list.add(
          new Message.Library(
              "lib-" + i, "1." + i, hash, i * 1000L, List.of("f" + i + " () -> ()")));
    }
    var description = new Message.Description(Map.of("cores", 2L), list, List.of(), next);
    var back = (Message.Description) roundTrip(description).message();
    assertEquals(next, back.next());
    assertEquals(libraries, back.libraries().size());
    for (int i = 0; i < libraries; i++) {
      assertArrayEquals(list.get(i).sha256(), back.libraries().get(i).sha256());
      assertEquals(list.get(i).name(), back.libraries().get(i).name());
    }
  }

  @Provide
  Arbitrary<List<String>> what() {
    return Arbitraries.of("host", "libraries", "services").list().uniqueElements().ofMaxSize(3);
  }

  @Property(tries = 100)
  void aPagingFieldOfTheWrongTypeIsRefusedByPath(
      @ForAll("wrongFields") Map.Entry<String, Object> field) {
    boolean describe = !field.getKey().equals("next");
    Message message =
        describe
            ? new Message.Describe(List.of())
            : new Message.Description(Map.of(), List.of(), List.of());
    Header header = Header.fresh(Audience.ANY, ProtocolVectors.NOW);
    @SuppressWarnings("unchecked")
    Map<String, Object> payload =
        new LinkedHashMap<>(
            (Map<String, Object>)
                Cbor.decode(
                    MessageCodec.encode(header, message),
                    0,
                    MessageCodec.encode(header, message).length,
                    WireLimits.HTTP,
                    "p"));
    Map<String, Object> body = new LinkedHashMap<>(message.body());
    body.put(field.getKey(), field.getValue());
    payload.put("body", body);
    byte[] wire = Sign1.sign(Cbor.encode(payload), KEYS.getPrivate(), KEYS.getPublic());
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                Verifier.of(Clock.fixed(ProtocolVectors.NOW, ZoneOffset.UTC), Optional.empty(), 16)
                    .verify(wire, WireLimits.HTTP));
    assertEquals(ProtocolException.Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("body." + field.getKey()), e.getMessage());
  }

  @Provide
  Arbitrary<Map.Entry<String, Object>> wrongFields() {
    Arbitrary<Object> notText =
        Arbitraries.oneOf(
            Arbitraries.longs().map(n -> (Object) n),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> (Object) b),
            Arbitraries.just(List.of()));
    Arbitrary<Object> notBytes =
        Arbitraries.oneOf(
            Arbitraries.longs().map(n -> (Object) n),
            Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
            Arbitraries.just(Map.of()));
    return Arbitraries.oneOf(
        notText.map(v -> Map.entry("cursor", v)),
        notText.map(v -> Map.entry("next", v)),
        notBytes.map(v -> Map.entry("pad", v)));
  }

  @Property(tries = 50)
  void aNegativePadIsNotAMessage(@ForAll @IntRange(min = Integer.MIN_VALUE, max = -1) int pad) {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Message.Describe(List.of(), Optional.empty(), pad));
  }
}
