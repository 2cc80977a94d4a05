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

  /**
   * The id in {@code bytes} as received at {@code at}: a wrong length or the all-zero id is a
   * malformed message ({@code WE5001}), never an IllegalArgumentException that a receive loop would
   * not expect.
   */
  static MessageId read(Object bytes, String at) {
    if (!(bytes instanceof byte[] id) || id.length != BYTES) {
      throw Fields.malformed(at, "a 16-byte message id");
    }
    ByteBuffer b = ByteBuffer.wrap(id);
    long high = b.getLong();
    long low = b.getLong();
    if (high == 0 && low == 0) {
      throw Fields.malformed(at, "a message id other than all zeros");
    }
    return new MessageId(high, low);
  }

  byte[] bytes() {
    return ByteBuffer.allocate(BYTES).putLong(high).putLong(low).array();
  }

  // Written out: a record's generated equals and hashCode are linked at their first call through
  // method handles, and the first such link in a CLI command cost ~4% of its start (issue 16).
  @Override
  public boolean equals(Object other) {
    return other instanceof MessageId id && id.high == high && id.low == low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high) * 31 + Long.hashCode(low);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes());
  }
}
