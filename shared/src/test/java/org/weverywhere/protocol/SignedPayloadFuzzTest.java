package org.weverywhere.protocol;

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
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Hostile payloads inside validly signed envelopes: whatever a key holder signs, decoding and
 * verifying it ends in a value or a {@link ProtocolException}, never another exception (which would
 * end the receive loop that called it). Unlike {@link DatagramFuzzTest}, whose inputs almost never
 * get past the signature, every input here does, so the payload and body readers of every message
 * type see arbitrary CBOR: random maps with the right {@code v} and {@code t}, and the bodies of
 * valid messages with one field replaced by junk (wrong types, all-zero ids, extreme or negative
 * integers, nested junk) or removed.
 */
class SignedPayloadFuzzTest {
  private static final KeyPair KEYS = Ed25519.generate();
  private static final Fingerprint NODE = Fingerprint.of(Ed25519.generate().getPublic());
  private static final Verifier NODE_SIDE =
      Verifier.of(Clock.fixed(ProtocolVectors.NOW, ZoneOffset.UTC), Optional.of(NODE), 1 << 20);
  private static final Verifier CLIENT_SIDE =
      Verifier.of(Clock.fixed(ProtocolVectors.NOW, ZoneOffset.UTC), Optional.empty(), 1 << 20);

  /**
   * The regression: a call whose chain holds the all-zero id threw IllegalArgumentException (issue
   * 13).
   */
  @Example
  void aChainHoldingTheZeroIdIsMalformed() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", "kv");
    body.put("function", "put");
    body.put("args", List.of());
    body.put("chain", List.of(new byte[MessageId.BYTES]));
    byte[] wire = signed(payload("call", body, MessageId.random().bytes(), Optional.empty()));
    var refused =
        assertThrows(ProtocolException.class, () -> NODE_SIDE.verify(wire, WireLimits.UDP));
    assertEquals(Reason.MALFORMED, refused.reason());
    assertEquals("WE5001", refused.code().code());
    assertTrue(refused.getMessage().contains("body.chain[0]"), refused.getMessage());
  }

  @Example
  void zeroIdAndZeroReplyToAreMalformed() {
    byte[] zero = new byte[MessageId.BYTES];
    byte[] noId = signed(payload("discover", Map.of(), zero, Optional.empty()));
    assertEquals(
        Reason.MALFORMED,
        assertThrows(ProtocolException.class, () -> NODE_SIDE.verify(noId, WireLimits.UDP))
            .reason());
    byte[] noReplyTo =
        signed(payload("bye", Map.of(), MessageId.random().bytes(), Optional.of(zero)));
    assertEquals(
        Reason.MALFORMED,
        assertThrows(ProtocolException.class, () -> CLIENT_SIDE.verify(noReplyTo, WireLimits.UDP))
            .reason());
  }

  @Property(tries = 1500)
  void mutatedBodiesOfEveryTypeDecodeOrFailWithTheProtocolsError(
      @ForAll("mutatedBodies") Map<String, Object> payload) {
    decodeOrRefuse(payload);
  }

  @Property(tries = 1500)
  void randomBodiesOfEveryTypeDecodeOrFailWithTheProtocolsError(
      @ForAll("randomBodies") Map<String, Object> payload) {
    decodeOrRefuse(payload);
  }

  @Property(tries = 1000)
  void mutatedHeadersDecodeOrFailWithTheProtocolsError(
      @ForAll("mutatedHeaders") Map<String, Object> payload) {
    decodeOrRefuse(payload);
  }

  /** Only a value or a ProtocolException may come out; anything else fails the property. */
  private static void decodeOrRefuse(Map<String, Object> payload) {
    byte[] wire = signed(payload);
    for (Verifier verifier : List.of(NODE_SIDE, CLIENT_SIDE)) {
      try {
        verifier.verify(wire, WireLimits.HTTP);
      } catch (ProtocolException refused) {
        assertTrue(refused.code().code().startsWith("WE50"), refused.code().code());
      }
    }
    try {
      LocalPayload.decode(Cbor.encode(payload), WireLimits.HTTP); // the control socket's decoder
    } catch (ProtocolException refused) {
      assertTrue(refused.code().code().startsWith("WE50"), refused.code().code());
    }
  }

  private static byte[] signed(Map<String, Object> payload) {
    return Sign1.sign(Cbor.encode(payload), KEYS.getPrivate(), KEYS.getPublic());
  }

  private static Map<String, Object> payload(
      String type, Object body, byte[] id, Optional<byte[]> replyTo) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("v", 1L);
    payload.put("t", type);
    payload.put("id", id);
    payload.put("ts", ProtocolVectors.NOW.toEpochMilli());
    payload.put("aud", "any");
    replyTo.ifPresent(re -> payload.put("re", re));
    payload.put("body", body);
    return payload;
  }

  /** A valid body of every message type, as a sender builds it. */
  static List<Message> validMessages() {
    var i32 = Message.WasmValue.i32(7);
    var bytes = Message.WasmValue.bytes(new byte[] {1, 2});
    return List.of(
        new Message.Discover(),
        new Message.Discover(Optional.of(new Message.SessionHello(new byte[32]))),
        new Message.Announce("n", 22341, List.of("math"), List.of("kv")),
        new Message.Announce("n", 22341, List.of(), List.of(), List.of("session"))
            .withSession(new Message.SessionWelcome(new byte[8], new byte[32], 600)),
        new Message.Bye(),
        new Message.Describe(List.of("host"), Optional.of("c"), 3),
        new Message.Description(
            Map.of("cores", 4L),
            List.of(new Message.Library("m", "1", new byte[32], 10, List.of("f"))),
            List.of(
                new Message.Service(
                    "s",
                    "m",
                    Optional.of(new byte[32]),
                    List.of("f (i32) -> i32"),
                    1,
                    1,
                    "running",
                    5,
                    Optional.of("why"))),
            Optional.of("next")),
        new Message.Fetch("math", Optional.of(new byte[32])),
        new Message.ModuleReply("math", new byte[32], new byte[] {0, 'a', 's', 'm'}),
        new Message.Execute(
            new Message.LibraryTarget("math"), new Message.Call("add", List.of(i32, bytes))),
        new Message.Execute(
            new Message.ModuleTarget(new byte[8]),
            new Message.Command(List.of("a"), Map.of("K", "V"), new byte[1])),
        new Message.Result("completed", 0, new byte[1], new byte[0], List.of(i32), 5, 6, 7),
        new Message.Control("set", Map.of("k", "v"), Optional.of(new byte[2])),
        new Message.Report("status", Map.of("a", List.of(1L, "x"), "b", Map.of("c", true))),
        new Message.ErrorReply("WE5001", "bad", Optional.of("cores")),
        new Message.ServiceCall(
            "kv",
            "put",
            List.of(i32),
            List.of(MessageId.random(), MessageId.random()),
            Optional.of("SHA256:" + "A".repeat(43))));
  }

  /**
   * Junk of every kind the CBOR model allows, including the values readers are most likely to
   * trust.
   */
  private static Arbitrary<Object> junk(int depth) {
    List<Arbitrary<Object>> leaves =
        List.of(
            Arbitraries.of(
                    0L,
                    -1L,
                    1L,
                    Long.MAX_VALUE,
                    Long.MIN_VALUE,
                    (long) Integer.MAX_VALUE + 1,
                    (long) Integer.MIN_VALUE - 1,
                    65536L)
                .map(Object.class::cast),
            Arbitraries.longs().map(Object.class::cast),
            Arbitraries.strings().ofMaxLength(20).map(Object.class::cast),
            Arbitraries.of(
                    "",
                    "i32",
                    "i64",
                    "f32",
                    "f64",
                    "bytes",
                    "string",
                    "any",
                    "host",
                    "library",
                    "module",
                    "function",
                    "SHA256:x",
                    "SHA256:" + "A".repeat(43))
                .map(Object.class::cast),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Object.class::cast),
            Arbitraries.of(new byte[16], new byte[32], new byte[0]).map(Object.class::cast),
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(Object.class::cast),
            Arbitraries.just(null));
    Arbitrary<Object> leaf = Arbitraries.oneOf(leaves);
    if (depth <= 0) {
      return leaf;
    }
    Arbitrary<Object> list = junk(depth - 1).list().ofMaxSize(4).map(Object.class::cast);
    Arbitrary<Object> wasmValue =
        Combinators.combine(
                Arbitraries.of("i32", "i64", "f32", "f64", "bytes", "string", "x"), junk(0))
            .as((t, v) -> (Object) new ArrayList<>(java.util.Arrays.asList(t, v)));
    Arbitrary<Object> map =
        Arbitraries.maps(
                Arbitraries.of(
                    "library", "module", "function", "args", "env", "stdin", "name", "x", ""),
                junk(depth - 1))
            .ofMaxSize(4)
            .map(m -> (Object) new LinkedHashMap<>(m));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, leaf),
        net.jqwik.api.Tuple.of(2, list),
        net.jqwik.api.Tuple.of(2, wasmValue),
        net.jqwik.api.Tuple.of(2, map));
  }

  @Provide
  Arbitrary<Map<String, Object>> mutatedBodies() {
    List<Message> valid = validMessages();
    return Combinators.combine(
            Arbitraries.of(valid),
            Arbitraries.integers().between(0, 1000).list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.integers().between(0, 3),
            junk(2))
        .as(
            (message, where, how, value) ->
                payload(
                    message.type(),
                    how == 3
                        ? zeroIds(plain(message.body()))
                        : mutate(plain(message.body()), where, 0, how, value),
                    MessageId.random().bytes(),
                    Optional.of(MessageId.random().bytes())));
  }

  @Provide
  Arbitrary<Map<String, Object>> randomBodies() {
    return Combinators.combine(Arbitraries.of(Message.TYPES), junk(3))
        .as((type, body) -> payload(type, body, MessageId.random().bytes(), Optional.empty()));
  }

  @Provide
  Arbitrary<Map<String, Object>> mutatedHeaders() {
    return Combinators.combine(
            Arbitraries.of(validMessages()),
            Arbitraries.of("v", "t", "id", "ts", "aud", "re", "grp", "body"),
            Arbitraries.integers().between(0, 2),
            junk(1))
        .as(
            (message, key, how, value) -> {
              Map<String, Object> payload =
                  payload(
                      message.type(),
                      plain(message.body()),
                      MessageId.random().bytes(),
                      Optional.of(MessageId.random().bytes()));
              if (how == 0) {
                payload.remove(key);
              } else {
                payload.put(key, value);
              }
              return payload;
            });
  }

  /**
   * The body as the decoder sees it: plain mutable maps and lists (records already flattened by
   * body()).
   */
  @SuppressWarnings("unchecked")
  private static Object plain(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, plain(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(plain(item)));
      return copy;
    }
    if (value instanceof Integer n) {
      return n.longValue();
    }
    return value;
  }

  /** Every 16-byte string (a message id's size) made all zeros: the id no message may have. */
  @SuppressWarnings("unchecked")
  private static Object zeroIds(Object value) {
    if (value instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).replaceAll((k, v) -> zeroIds(v));
    } else if (value instanceof List<?> list) {
      ((List<Object>) list).replaceAll(SignedPayloadFuzzTest::zeroIds);
    } else if (value instanceof byte[] b && b.length == MessageId.BYTES) {
      return new byte[MessageId.BYTES];
    }
    return value;
  }

  /**
   * Walks into {@code value} along {@code where} (each step picks a key or an index) and there
   * replaces the value with {@code junk} (how 1), removes it (how 0) or wraps it in a list (how 2).
   */
  @SuppressWarnings("unchecked")
  private static Object mutate(Object value, List<Integer> where, int step, int how, Object junk) {
    if (value instanceof Map<?, ?> raw && !raw.isEmpty()) {
      Map<String, Object> map = (Map<String, Object>) raw;
      String key = new ArrayList<>(map.keySet()).get(where.get(step) % map.size());
      if (step + 1 < where.size()) {
        map.put(key, mutate(map.get(key), where, step + 1, how, junk));
      } else if (how == 0) {
        map.remove(key);
      } else {
        map.put(
            key,
            how == 1 ? junk : new ArrayList<>(java.util.Collections.singletonList(map.get(key))));
      }
      return map;
    }
    if (value instanceof List<?> raw && !raw.isEmpty()) {
      List<Object> list = (List<Object>) raw;
      int at = where.get(step) % list.size();
      if (step + 1 < where.size()) {
        list.set(at, mutate(list.get(at), where, step + 1, how, junk));
      } else if (how == 0) {
        list.remove(at);
      } else {
        list.set(
            at,
            how == 1 ? junk : new ArrayList<>(java.util.Collections.singletonList(list.get(at))));
      }
      return list;
    }
    return how == 1 ? junk : value;
  }
}
