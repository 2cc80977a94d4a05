package org.weverywhere.protocol;

import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * A walk over CBOR item heads that checks every declared length against the bytes actually there,
 * before Jackson sees them.
 *
 * <p>Jackson's parser believes a byte string's declared length and sizes its buffer by it (up to
 * its own chunk size), so a 7-byte datagram claiming a 64 KiB string costs 64 KiB. Refusing such
 * input first keeps the cost of any message proportional to its size. This is not a second decoder:
 * it reads heads only, never builds values.
 */
final class CborScan {
  private static final int MAX_STACK = 32;

  private CborScan() {}

  /** Throws unless {@code bytes[offset, offset+length)} holds exactly one well-formed item. */
  static void check(byte[] bytes, int offset, int length, String what) {
    check(bytes, offset, length, what, false);
  }

  /**
   * As {@link #check}, and also holds the item to the payload's data model (docs/PROTOCOL.md §3):
   * map keys are text, no tags, no floats, and of the simple values only false, true and null.
   * Checked here, on the heads, because the parser would otherwise turn an integer key into text
   * and {@code undefined} into null without telling.
   */
  static void checkPayload(byte[] bytes, int offset, int length, String what) {
    check(bytes, offset, length, what, true);
  }

  private static void check(byte[] bytes, int offset, int length, String what, boolean payload) {
    int end = offset + length;
    int at = offset;
    long[] pending = new long[MAX_STACK]; // items still expected at each open level
    boolean[] map =
        new boolean[MAX_STACK]; // a map's items alternate key, value: a key when pending is even
    int depth = 0;
    pending[0] = 1;
    while (true) {
      while (depth >= 0 && pending[depth] == 0) {
        depth--;
      }
      if (depth < 0) {
        break;
      }
      if (at >= end) {
        throw new ProtocolException(Reason.TRUNCATED, what + " is truncated");
      }
      boolean key = map[depth] && pending[depth] % 2 == 0;
      pending[depth]--;
      int head = bytes[at++] & 0xff;
      int major = head >>> 5;
      int info = head & 0x1f;
      if (payload) {
        model(major, info, key, what, at - 1 - offset);
      }
      long argument;
      if (info < 24) {
        argument = info;
      } else if (info <= 27) {
        int size = 1 << (info - 24);
        if (end - at < size) {
          throw new ProtocolException(Reason.TRUNCATED, what + " is truncated");
        }
        argument = 0;
        for (int i = 0; i < size; i++) {
          argument = (argument << 8) | (bytes[at++] & 0xff);
        }
      } else {
        throw new ProtocolException(
            Reason.MALFORMED,
            what
                + ": indefinite lengths and reserved heads are not used (byte "
                + (at - 1 - offset)
                + ")");
      }
      switch (major) {
        case 2, 3 -> {
          if (argument < 0 || argument > end - at) {
            throw new ProtocolException(
                Reason.TRUNCATED,
                what
                    + " declares a string of "
                    + Long.toUnsignedString(argument)
                    + " bytes with "
                    + (end - at)
                    + " left");
          }
          if (payload && major == 3) {
            utf8(bytes, at, (int) argument, what);
          }
          at += (int) argument;
        }
        case 4, 5 -> {
          long items = major == 5 ? argument * 2 : argument;
          if (argument < 0 || items < 0 || items > end - at) {
            throw new ProtocolException(
                Reason.TRUNCATED,
                what
                    + " declares "
                    + Long.toUnsignedString(argument)
                    + " items with "
                    + (end - at)
                    + " bytes left");
          }
          if (items > 0) {
            if (++depth >= MAX_STACK) {
              throw new ProtocolException(
                  Reason.LIMIT, what + " nests deeper than " + (MAX_STACK - 1));
            }
            pending[depth] = items;
            map[depth] = major == 5;
          }
        }
        case 6 -> pending[depth]++; // a tag applies to the next item
        default -> {
          // unsigned and negative integers, simple values and floats: the head is the whole item
        }
      }
    }
    if (at != end) {
      throw new ProtocolException(
          Reason.MALFORMED, what + " has " + (end - at) + " bytes after its end");
    }
  }

  /** Text must be UTF-8: the parser would put replacement characters in silently. */
  private static void utf8(byte[] bytes, int at, int length, String what) {
    int end = at + length;
    int i = at;
    while (i < end && bytes[i] >= 0) {
      i++; // ASCII, as nearly every key and name is: nothing to decode
    }
    if (i == end) {
      return;
    }
    try {
      java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes, i, end - i));
    } catch (java.nio.charset.CharacterCodingException bad) {
      throw new ProtocolException(
          Reason.MALFORMED, what + ": a text string is not valid UTF-8", bad);
    }
  }

  /** The payload's data model, one head at a time. */
  private static void model(int major, int info, boolean key, String what, int position) {
    if (key && major != 3) {
      throw new ProtocolException(
          Reason.MALFORMED, what + ": map key at byte " + position + " is not text");
    }
    if (major == 6) {
      throw new ProtocolException(
          Reason.MALFORMED,
          what + ": tags are not allowed inside a payload (byte " + position + ")");
    }
    if (major == 7 && info >= 25 && info <= 27) {
      throw new ProtocolException(
          Reason.MALFORMED, what + ": floats are not used (byte " + position + ")");
    }
    if (major == 7 && (info < 20 || info > 22)) {
      throw new ProtocolException(
          Reason.MALFORMED,
          what
              + ": simple value "
              + (info == 24 ? "" : info + " ")
              + "at byte "
              + position
              + " is not used (only false, true, null)");
    }
  }
}
