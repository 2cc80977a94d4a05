package org.weverywhere.wasm;

import java.io.ByteArrayOutputStream;

/**
 * Rewrites a module so that every memory and every table it defines or imports has a maximum no
 * larger than a grant: {@code maxPages} 64 KiB pages per memory, {@code maxTableElements} elements
 * per table.
 *
 * <p>Engines then enforce the grant themselves ({@code memory.grow} and {@code table.grow} return
 * -1 beyond it), so a module's own declaration is never trusted. Only the import, table and memory
 * sections are rewritten; every other byte is copied as it was, whatever length its LEB128 sizes
 * were written with. The input must already have been read by {@link ModuleParser} (so it is a
 * well-formed core module); anything this class still cannot follow is reported as a {@link
 * WasmFormatException} rather than guessed at.
 */
public final class ModuleCap {
  private static final int IMPORT_SECTION = 2;
  private static final int TABLE_SECTION = 4;
  private static final int MEMORY_SECTION = 5;
  private static final int FLAG_HAS_MAX = 0x01;
  private static final int FLAG_INDEX64 = 0x04;

  private final long maxPages;
  private final long maxTableElements;

  /**
   * @param maxPages the largest maximum, in 64 KiB pages, any memory may keep
   * @param maxTableElements the largest maximum, in elements, any table may keep
   */
  public ModuleCap(long maxPages, long maxTableElements) {
    if (maxPages < 0 || maxTableElements < 0) {
      throw new IllegalArgumentException(
          "caps must be >= 0, got " + maxPages + " pages and " + maxTableElements + " elements");
    }
    this.maxPages = maxPages;
    this.maxTableElements = maxTableElements;
  }

  /**
   * The module with every memory and table maximum lowered to the cap (and set where missing).
   *
   * @throws IllegalArgumentException when a memory or table already starts above the cap: such a
   *     module cannot run within the grant and must be refused before it gets here
   */
  public byte[] apply(byte[] module) {
    var in = new Cursor(module);
    var out = new ByteArrayOutputStream(module.length + 16);
    out.write(module, 0, 8);
    in.pos = 8;
    while (in.pos < module.length) {
      int sectionStart = in.pos;
      int id = in.u8();
      long size = in.leb();
      int start = in.pos;
      if (size > module.length - start) {
        throw WasmFormatException.truncated(start, "section " + id);
      }
      int end = start + (int) size;
      if (id == IMPORT_SECTION || id == TABLE_SECTION || id == MEMORY_SECTION) {
        byte[] content =
            switch (id) {
              case IMPORT_SECTION -> imports(in, end);
              case TABLE_SECTION -> tables(in, end);
              default -> memories(in, end);
            };
        out.write(id);
        Leb128.write(out, content.length);
        out.writeBytes(content);
      } else {
        // copied whole from where the section began: its size may be padded (any LEB128 length)
        out.write(module, sectionStart, end - sectionStart);
      }
      in.pos = end;
    }
    return out.toByteArray();
  }

  private byte[] imports(Cursor in, int end) {
    var out = new ByteArrayOutputStream();
    long count = in.leb();
    Leb128.write(out, count);
    for (long i = 0; i < count; i++) {
      int from = in.pos;
      in.skip(in.leb()); // module name
      in.skip(in.leb()); // field name
      int kind = in.u8();
      switch (kind) {
        case 0x00 -> in.leb(); // function: type index
        case 0x01 -> { // table: reference type, limits
          referenceOrValueType(in);
          out.write(in.bytes, from, in.pos - from);
          limits(in, out, maxTableElements, "table", "elements");
          continue;
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
          limits(in, out, maxPages, "memory", "pages");
          continue;
        }
        default -> throw WasmFormatException.malformed(in.pos - 1, "unknown import kind " + kind);
      }
      out.write(in.bytes, from, in.pos - from);
    }
    expectEnd(in, end, "import section");
    return out.toByteArray();
  }

  private byte[] tables(Cursor in, int end) {
    var out = new ByteArrayOutputStream();
    long count = in.leb();
    Leb128.write(out, count);
    for (long i = 0; i < count; i++) {
      if (in.pos < end && (in.bytes[in.pos] & 0xff) == 0x40) {
        // a table with an initializer (typed function references): never passed by the parser
        throw WasmFormatException.malformed(in.pos, "a table with an initializer expression");
      }
      int from = in.pos;
      referenceOrValueType(in);
      out.write(in.bytes, from, in.pos - from);
      limits(in, out, maxTableElements, "table", "elements");
    }
    expectEnd(in, end, "table section");
    return out.toByteArray();
  }

  private byte[] memories(Cursor in, int end) {
    var out = new ByteArrayOutputStream();
    long count = in.leb();
    Leb128.write(out, count);
    for (long i = 0; i < count; i++) {
      limits(in, out, maxPages, "memory", "pages");
    }
    expectEnd(in, end, "memory section");
    return out.toByteArray();
  }

  /** Reads limits and writes them back with the maximum lowered to {@code cap}. */
  private static void limits(
      Cursor in, ByteArrayOutputStream out, long cap, String what, String unit) {
    int at = in.pos;
    int flags = in.u8();
    long min = in.leb();
    long max = (flags & FLAG_HAS_MAX) != 0 ? in.leb() : Long.MAX_VALUE;
    if (Long.compareUnsigned(min, cap) > 0) {
      throw new IllegalArgumentException(
          what
              + " at byte "
              + at
              + " starts with "
              + Long.toUnsignedString(min)
              + " "
              + unit
              + ", more than the "
              + cap
              + " granted");
    }
    long capped = Long.compareUnsigned(max, cap) < 0 ? max : cap;
    if (what.equals("memory") && (flags & FLAG_INDEX64) == 0 && capped > 65_536) {
      throw new IllegalArgumentException("a 32-bit memory cannot exceed 65536 pages");
    }
    out.write(flags | FLAG_HAS_MAX);
    Leb128.write(out, min);
    Leb128.write(out, capped);
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
      int at = pos;
      try {
        return Leb128.unsigned(this::u8, 64);
      } catch (IllegalArgumentException bad) {
        throw WasmFormatException.malformed(at, "LEB128 number: " + bad.getMessage());
      }
    }

    void skip(long n) {
      if (n < 0 || n > bytes.length - pos) {
        throw WasmFormatException.truncated(pos, n + " bytes");
      }
      pos += (int) n;
    }
  }
}
