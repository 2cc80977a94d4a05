package org.weverywhere.protocol;

import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validly signed messages that no honest sender makes, for tests outside this package (client
 * loops, daemons): whatever payload a key holder chooses, with a real signature around it.
 */
public final class HostileMessages {
  private HostileMessages() {}

  /** {@code payload} (a CBOR map as the decoder sees it) signed by {@code keys}. */
  public static byte[] signed(KeyPair keys, Map<String, Object> payload) {
    return Sign1.sign(Cbor.encode(payload), keys.getPrivate(), keys.getPublic());
  }

  /**
   * A {@code call} whose chain holds the all-zero message id (issue 13: it once made decoding throw
   * IllegalArgumentException), stamped {@code now}, answering {@code replyTo} when present.
   */
  public static byte[] callWithZeroChainId(KeyPair keys, Instant now, Optional<MessageId> replyTo) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", "kv");
    body.put("function", "put");
    body.put("args", List.of());
    body.put("chain", List.of(new byte[MessageId.BYTES]));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("v", 1L);
    payload.put("t", "call");
    payload.put("id", MessageId.random().bytes());
    payload.put("ts", now.toEpochMilli());
    payload.put("aud", "any");
    replyTo.ifPresent(re -> payload.put("re", re.bytes()));
    payload.put("body", body);
    return signed(keys, payload);
  }
}
