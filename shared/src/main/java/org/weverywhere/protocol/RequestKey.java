package org.weverywhere.protocol;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.weverywhere.trust.Sha256;

/**
 * The key a client gives one logical {@code execute} or {@code call} (body key {@code rk}, 16
 * random bytes): unlike the message id, it stays the same on every retry, so a daemon runs the
 * request at most once per key and answers retries with the stored result (docs/PROTOCOL.md §4b).
 */
public record RequestKey(long high, long low) {
  public static final int BYTES = 16;

  /** The body key that carries it. */
  public static final String BODY_KEY = "rk";

  private static final SecureRandom RANDOM = new SecureRandom();

  public RequestKey {
    if (high == 0 && low == 0) {
      throw new IllegalArgumentException("the all-zero request key is reserved");
    }
  }

  /** A fresh key for one logical request. */
  public static RequestKey random() {
    while (true) {
      long high = RANDOM.nextLong();
      long low = RANDOM.nextLong();
      if (high != 0 || low != 0) {
        return new RequestKey(high, low);
      }
    }
  }

  /** The key of these 16 bytes. */
  public static RequestKey of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a request key has 16 bytes, not " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new RequestKey(b.getLong(), b.getLong());
  }

  public byte[] bytes() {
    return ByteBuffer.allocate(BYTES).putLong(high).putLong(low).array();
  }

  /**
   * What a key stands for, so that a key reused for another request is recognised: SHA-256 of the
   * deterministic CBOR of {@code {"t": type, "body": body without rk}}. The id, timestamp, audience
   * and group are left out: they may differ between attempts of one request.
   */
  public static byte[] contentHash(Message message) {
    Map<String, Object> body = new LinkedHashMap<>(message.body());
    body.remove(BODY_KEY);
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("t", message.type());
    content.put("body", body);
    return Sha256.of(Cbor.encode(content));
  }

  /** The key a request carries, if it is a request that may carry one. */
  public static java.util.Optional<RequestKey> of(Message message) {
    return switch (message) {
      case Message.Execute execute -> execute.key();
      case Message.ServiceCall call -> call.key();
      default -> java.util.Optional.empty();
    };
  }

  /**
   * {@code message} with a fresh key if it is an execute or call without one, else unchanged: what
   * a client sends before its first attempt, and keeps for every retry.
   */
  public static Message keyed(Message message) {
    return switch (message) {
      case Message.Execute execute when execute.key().isEmpty() -> execute.withKey(random());
      case Message.ServiceCall call when call.key().isEmpty() -> call.withKey(random());
      default -> message;
    };
  }

  static java.util.Optional<RequestKey> read(Fields f) {
    if (!f.has(BODY_KEY)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(of(f.bytes(BODY_KEY, BYTES)));
    } catch (IllegalArgumentException zero) {
      throw Fields.malformed(f.path() + "." + BODY_KEY, "a request key other than all zeros");
    }
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes());
  }
}
