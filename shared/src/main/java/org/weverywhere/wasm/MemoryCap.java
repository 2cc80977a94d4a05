package org.weverywhere.wasm;

import java.io.ByteArrayOutputStream;

/**
 * Rewrites a module so that every memory it defines or imports has a maximum no larger than a
 * granted number of pages.
 *
 * <p>Engines then enforce the grant themselves ({@code memory.grow} returns -1 beyond it), so a
 * module's own declaration is never trusted. Only the import and memory sections are rewritten;
 * every other byte is copied as it was. The input must already have been read by {@link
 * ModuleParser} (so it is a well-formed core module); anything this class still cannot follow is
 * reported as a {@link WasmFormatException} rather than guessed at.
 */
public final class MemoryCap {
  private static final int IMPORT_SECTION = 2;
  private static final int MEMORY_SECTION = 5;
  private static final int FLAG_HAS_MAX = 0x01;
  private static final int FLAG_INDEX64 = 0x04;

  private final long maxPages;

  /** @param maxPages the largest maximum, in 64 KiB pages, any memory may keep */
  public MemoryCap(long maxPages) {
    if (maxPages < 0) {
      throw new IllegalArgumentException("maxPages must be >= 0, got " + maxPages);
    }
    this.maxPages = maxPages;
  }

  /**
   * The module with every memory maximum lowered to the cap (and set where it was missing).
   *
   * @throws IllegalArgumentException when a memory's initial size already exceeds the cap: such a
   *     module cannot run within the grant and must be refused before it gets here
   */
  public byte[] apply(byte[] module) {
    var in = new Cursor(module);
    var out = new ByteArrayOutputStream(module.length + 16);
    out.write(module, 0, 8);
    in.pos = 8;
    while (in.pos < module.length) {
      int id = in.u8();
      long size = in.leb();
      int start = in.pos;
      if (size > module.length - start) {
        throw WasmFormatException.truncated(start, "section " + id);
      }
      int end = start + (int) size;
      if (id == IMPORT_SECTION || id == MEMORY_SECTION) {
        byte[] content = id == IMPORT_SECTION ? imports(in, end) : memories(in, end);
        out.write(id);
        writeLeb(out, content.length);
        out.writeBytes(content);
      } else {
        out.write(module, in.pos - lebLength(size) - 1, 1 + lebLength(size) + (int) size);
      }
      in.pos = end;
    }
    return out.toByteArray();
  }

  private byte[] imports(Cursor in, int end) {
    var out = new ByteArrayOutputStream();
    long count = in.leb();
    writeLeb(out, count);
    for (long i = 0; i < count; i++) {
      int from = in.pos;
      in.skip(in.leb()); // module name
      in.skip(in.leb()); // field name
      int kind = in.u8();
      switch (kind) {
        case 0x00 -> in.leb(); // function: type index
        case 0x01 -> { // table: reference type, limits
          referenceOrValueType(in);
          limits(in, null);
        }
        case 0x03 -> { // global: value type, mutability
          referenceOrValueType(in);
          in.u8();
        }
        case 0x04 -> { // tag: attribute, type index
          in.u8();
          in.leb();
        }
        case 0x02 -> {
          out.write(in.bytes, from, in.pos - from);
          limits(in, out);
          continue;
        }
        default -> throw WasmFormatException.malformed(in.pos - 1, "unknown import kind " + kind);
      }
      out.write(in.bytes, from, in.pos - from);
    }
    expectEnd(in, end, "import section");
    return out.toByteArray();
  }

  private byte[] memories(Cursor in, int end) {
    var out = new ByteArrayOutputStream();
    long count = in.leb();
    writeLeb(out, count);
    for (long i = 0; i < count; i++) {
      limits(in, out);
    }
    expectEnd(in, end, "memory section");
    return out.toByteArray();
  }

  /** Reads limits; when {@code out} is given they are memory limits, written back capped. */
  private void limits(Cursor in, ByteArrayOutputStream out) {
    int at = in.pos;
    int flags = in.u8();
    long min = in.leb();
    long max = (flags & FLAG_HAS_MAX) != 0 ? in.leb() : Long.MAX_VALUE;
    if (out == null) {
      return;
    }
    if (min > maxPages) {
      throw new IllegalArgumentException(
          "memory at byte " + at + " starts with " + min + " pages, more than the "
              + maxPages + " granted");
    }
    out.write(flags | FLAG_HAS_MAX);
    writeLeb(out, min);
    writeLeb(out, Math.min(max, maxPages));
    if ((flags & FLAG_INDEX64) == 0 && Math.min(max, maxPages) > 65_536) {
      throw new IllegalArgumentException("a 32-bit memory cannot exceed 65536 pages");
    }
  }

  private static void referenceOrValueType(Cursor in) {
    int type = in.u8();
    if (type == 0x63 || type == 0x64) { // (ref null? heaptype): heap type is a signed LEB
      in.leb();
    }
  }

  private static void expectEnd(Cursor in, int end, String what) {
    if (in.pos != end) {
      throw WasmFormatException.malformed(in.pos, what + " does not end where its size says");
    }
  }

  private static int lebLength(long value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static void writeLeb(ByteArrayOutputStream out, long value) {
    do {
      int b = (int) (value & 0x7f);
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }

  /** Bounds-checked reading position over the module's bytes. */
  private static final class Cursor {
    final byte[] bytes;
    int pos;

    Cursor(byte[] bytes) {
      this.bytes = bytes;
    }

    int u8() {
      if (pos >= bytes.length) {
        throw WasmFormatException.truncated(pos, "a byte");
      }
      return bytes[pos++] & 0xff;
    }

    long leb() {
      long result = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        int b = u8();
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw WasmFormatException.malformed(pos, "LEB128 number too long");
    }

    void skip(long n) {
      if (n < 0 || n > bytes.length - pos) {
        throw WasmFormatException.truncated(pos, n + " bytes");
      }
      pos += (int) n;
    }
  }
}
