package org.weverywhere.wasm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the primitive encodings of the binary format from a stream, one pass, never backwards.
 *
 * <p>Every read is checked against the end of the enclosing section (or of the file) before any
 * byte is consumed or any buffer allocated, so a hostile size or count costs nothing: the largest
 * allocation is bounded by the bytes that really follow.
 */
final class WasmInput {
  private final InputStream in;
  private final long length;
  private long offset;
  private long end;
  private final byte[] scratch = new byte[8192];

  /**
   * @param length the number of bytes the stream holds; sizes claiming more are rejected early
   */
  WasmInput(InputStream in, long length) {
    this.in = in;
    this.length = length;
    this.end = length;
  }

  long offset() {
    return offset;
  }

  /** Bytes left before the current end (the enclosing section's or the file's). */
  long remaining() {
    return end - offset;
  }

  boolean atEnd() {
    return offset >= end;
  }

  /**
   * Confines reads to the next {@code size} bytes; returns the previous end for {@link #exit}.
   *
   * @param sizeAt where the size was read, named in the error when it overruns
   */
  long enter(long size, long sizeAt, String what) {
    if (size > remaining()) {
      String reason = what + " claims " + size + " bytes, but only " + remaining() + " follow";
      // Overrunning the file is a cut-off file (or a lie); overrunning the enclosing section is
      // always a malformed module.
      throw end == length
          ? new WasmFormatException(org.weverywhere.ErrorCode.WASM_TRUNCATED, sizeAt, reason)
          : WasmFormatException.malformed(sizeAt, reason);
    }
    long previous = end;
    end = offset + size;
    return previous;
  }

  /** The offset where the current section (or the file) ends. */
  long end() {
    return end;
  }

  /**
   * Abandons any subsections entered since {@code sectionEnd} was the end, so the caller can skip
   * the rest of a section it gave up on.
   */
  void abandonTo(long sectionEnd) {
    end = sectionEnd;
  }

  /** Leaves a section entered with {@link #enter}; its declared size must be used up exactly. */
  void exit(long previousEnd, String what) {
    if (offset != end) {
      throw WasmFormatException.malformed(
          offset, what + " has " + (end - offset) + " unread bytes at its end");
    }
    end = previousEnd;
  }

  int u8(String what) {
    if (offset >= end) {
      throw WasmFormatException.truncated(offset, what);
    }
    int b;
    try {
      b = in.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (b < 0) {
      throw WasmFormatException.truncated(offset, what);
    }
    offset++;
    return b;
  }

  /** An unsigned LEB128 integer of at most 32 bits. */
  long u32(String what) {
    return unsigned(32, what);
  }

  /** An unsigned LEB128 integer of at most 64 bits (as a Java long, bit pattern preserved). */
  long u64(String what) {
    return unsigned(64, what);
  }

  /** A u32 used as a count or size that must fit in an int to be held in memory. */
  int count(String what) {
    long start = offset;
    long n = u32(what);
    // Each element takes at least one byte, so a count larger than what follows is a lie.
    if (n > remaining()) {
      throw WasmFormatException.malformed(
          start, what + " claims " + n + " entries, but only " + remaining() + " bytes follow");
    }
    return (int) n;
  }

  private long unsigned(int bits, String what) {
    long start = offset;
    try {
      return Leb128.unsigned(() -> u8(what), bits);
    } catch (IllegalArgumentException bad) {
      throw WasmFormatException.malformed(start, what + ": " + bad.getMessage());
    }
  }

  /** A signed LEB128 integer of at most {@code bits} bits. */
  long signed(int bits, String what) {
    long start = offset;
    try {
      return Leb128.signed(() -> u8(what), bits);
    } catch (IllegalArgumentException bad) {
      throw WasmFormatException.malformed(start, what + ": " + bad.getMessage());
    }
  }

  byte[] bytes(int n, String what) {
    if (n > remaining()) {
      throw WasmFormatException.truncated(offset + remaining(), what);
    }
    byte[] buffer = new byte[n];
    int read = 0;
    try {
      while (read < n) {
        int r = in.read(buffer, read, n - read);
        if (r < 0) {
          throw WasmFormatException.truncated(offset + read, what);
        }
        read += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    offset += n;
    return buffer;
  }

  /**
   * Passes over {@code n} bytes. They are read, not skipped, because the caller's stream may be
   * hashing the whole file (DigestInputStream does not see skipped bytes).
   */
  void skip(long n, String what) {
    if (n > remaining()) {
      throw WasmFormatException.truncated(offset + remaining(), what);
    }
    long left = n;
    try {
      while (left > 0) {
        int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
        if (r < 0) {
          throw WasmFormatException.truncated(offset + (n - left), what);
        }
        left -= r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    offset += n;
  }

  /** A length-prefixed UTF-8 name; invalid UTF-8 is an error, as the spec requires. */
  String name(String what) {
    long start = offset;
    int n = count(what + " length");
    byte[] raw = bytes(n, what);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw WasmFormatException.malformed(start, what + " is not valid UTF-8");
    }
  }
}
