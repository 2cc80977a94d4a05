package org.weverywhere.protocol;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@link ReceiverCases} and {@link SessionCases} make a message wrong on purpose: the payload
 * as an editable map, signed as it is, or bytes spliced in where no encoder of ours would write
 * them.
 */
final class CaseBytes {
  private CaseBytes() {}

  static byte[] sign(KeyPair keys, Header header, Message message) {
    return Sign1.sign(MessageCodec.encode(header, message), keys.getPrivate(), keys.getPublic());
  }

  /** The payload {@code message} would have, as a map in its encoded order, to edit. */
  static Map<String, Object> payload(Header header, Message message) {
    byte[] encoded = MessageCodec.encode(header, message);
    @SuppressWarnings("unchecked")
    Map<String, Object> map =
        (Map<String, Object>) Cbor.decode(encoded, 0, encoded.length, WireLimits.HTTP, "payload");
    return new LinkedHashMap<>(map);
  }

  static byte[] signPayload(KeyPair keys, Map<String, Object> payload) {
    return Sign1.sign(Cbor.encode(payload), keys.getPrivate(), keys.getPublic());
  }

  /** {@code bytes} with the first {@code marker} replaced by {@code replacement}. */
  static byte[] splice(byte[] bytes, byte[] marker, byte[] replacement) {
    int at = indexOf(bytes, marker);
    var out = new ByteArrayOutputStream();
    out.write(bytes, 0, at);
    out.writeBytes(replacement);
    out.write(bytes, at + marker.length, bytes.length - at - marker.length);
    return out.toByteArray();
  }

  /** Where {@code needle} first stands in {@code haystack}; a case built wrong when nowhere. */
  static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new IllegalArgumentException("not found");
  }
}
