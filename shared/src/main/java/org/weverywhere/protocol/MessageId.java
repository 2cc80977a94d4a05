package org.weverywhere.protocol;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A 128-bit message id, random per message; never all zeros. Replies name it in {@code re}. */
public record MessageId(long high, long low) {
  public static final int BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  public MessageId {
    if (high == 0 && low == 0) {
      throw new IllegalArgumentException("the all-zero message id is reserved");
    }
  }

  public static MessageId random() {
    while (true) {
      long high = RANDOM.nextLong();
      long low = RANDOM.nextLong();
      if (high != 0 || low != 0) {
        return new MessageId(high, low);
      }
    }
  }

  static MessageId of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a message id has 16 bytes, not " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new MessageId(b.getLong(), b.getLong());
  }

  byte[] bytes() {
    return ByteBuffer.allocate(BYTES).putLong(high).putLong(low).array();
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes());
  }
}
