package org.weverywhere.wasm;

import java.io.ByteArrayOutputStream;

/**
 * LEB128 integers as the binary format writes them: the one implementation the wasm package reads
 * and writes them with (the parser's stream, the limits rewrite, module signatures).
 *
 * <p>Readers accept every valid encoding, padded ones included ({@code 0x80 0x80 0x80 0x80 0x00} is
 * a valid u32 zero): the format allows up to {@code ceil(bits / 7)} bytes, and a module that uses
 * them must not become unreadable. Problems are {@link IllegalArgumentException}s whose message
 * callers place at a byte offset.
 */
public final class Leb128 {
  private Leb128() {}

  /** Where the bytes come from; ends (by throwing) when there are none left. */
  @FunctionalInterface
  public interface ByteSource {
    /** The next byte, 0..255. */
    int next();
  }

  /** An unsigned integer of at most {@code bits} bits (32 or 64). */
  public static long unsigned(ByteSource in, int bits) {
    long result = 0;
    int shift = 0;
    while (true) {
      int b = in.next();
      if (shift + 7 >= bits && (b & 0x7f) >>> (bits - shift) != 0) {
        throw new IllegalArgumentException("integer too large for u" + bits);
      }
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
      shift += 7;
      if (shift >= bits) {
        throw new IllegalArgumentException("integer representation too long");
      }
    }
  }

  /** A signed integer of at most {@code bits} bits (32 or 64), sign-extended to a long. */
  public static long signed(ByteSource in, int bits) {
    long result = 0;
    int shift = 0;
    int b;
    do {
      b = in.next();
      result |= (long) (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) != 0 && shift >= bits) {
        throw new IllegalArgumentException("integer representation too long");
      }
    } while ((b & 0x80) != 0);
    if (shift < 64 && (b & 0x40) != 0) {
      result |= -1L << shift;
    }
    return result;
  }

  /**
   * An unsigned integer of at most 32 bits from {@code data}, starting at {@code at[0]} and
   * advancing it; never reads at or past {@code end}.
   */
  public static long u32(byte[] data, int[] at, int end) {
    return unsigned(
        () -> {
          if (at[0] >= end) {
            throw new IllegalArgumentException("ends inside a LEB128 number");
          }
          return data[at[0]++] & 0xff;
        },
        32);
  }

  /**
   * Reads bytes and LEB128 integers from an array without allocating, for hot loops (decoding every
   * instruction of a module). Reading past {@code end} throws {@link IllegalArgumentException} like
   * any other problem; {@link #pos} says where it happened.
   */
  public static final class Reader implements ByteSource {
    private final byte[] data;
    private final int end;

    /** The next byte to read. */
    public int pos;

    public Reader(byte[] data, int pos, int end) {
      this.data = data;
      this.pos = pos;
      this.end = end;
    }

    public boolean atEnd() {
      return pos >= end;
    }

    public int u8() {
      if (pos >= end) {
        throw new IllegalArgumentException("ends inside an instruction");
      }
      return data[pos++] & 0xff;
    }

    public void skip(int n) {
      if (n > end - pos) {
        throw new IllegalArgumentException("ends inside an instruction");
      }
      pos += n;
    }

    @Override
    public int next() {
      return u8();
    }

    /** An unsigned integer of at most {@code bits} bits. */
    public long unsigned(int bits) {
      return Leb128.unsigned(this, bits);
    }

    /** A signed integer of at most {@code bits} bits. */
    public long signed(int bits) {
      return Leb128.signed(this, bits);
    }
  }

  /** Bytes of the minimal encoding of {@code value} (unsigned). */
  public static int size(long value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Writes the minimal unsigned encoding of {@code value}. */
  public static void write(ByteArrayOutputStream out, long value) {
    do {
      int b = (int) (value & 0x7f);
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }

  /** The minimal unsigned encoding of {@code value}. */
  public static byte[] encode(long value) {
    var out = new ByteArrayOutputStream(10);
    write(out, value);
    return out.toByteArray();
  }
}
