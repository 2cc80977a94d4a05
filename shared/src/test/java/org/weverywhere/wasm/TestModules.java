package org.weverywhere.wasm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes WebAssembly binaries byte by byte, so tests can build exactly the input they mean. */
public final class TestModules {
  static final int I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;

  private TestModules() {}

  static byte[] module(byte[]... sections) {
    return cat(bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00), cat(sections));
  }

  static byte[] section(int id, byte[]... content) {
    byte[] body = cat(content);
    return cat(bytes(id), leb(body.length), body);
  }

  static byte[] custom(String name, byte[] payload) {
    return section(0, name(name), payload);
  }

  static byte[] vec(byte[]... items) {
    return cat(leb(items.length), cat(items));
  }

  static byte[] funcType(int[] params, int[] results) {
    return cat(bytes(0x60), leb(params.length), bytes(params), leb(results.length), bytes(results));
  }

  static byte[] name(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return cat(leb(utf8.length), utf8);
  }

  static byte[] leb(long value) {
    var out = new ByteArrayOutputStream();
    do {
      int b = (int) (value & 0x7f);
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
    return out.toByteArray();
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] cat(byte[]... parts) {
    var out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * A module with one of everything: a WASI import, an imported table, memory and global, two
   * functions, a global with an initializer, exports of every kind, and name, producers and
   * weverywhere sections.
   */
  public static byte[] everything() {
    byte[] types =
        section(
            1,
            vec(
                funcType(new int[] {I32, I32}, new int[] {I32}),
                funcType(new int[] {}, new int[] {}),
                funcType(new int[] {I64, F32, F64}, new int[] {F64, I32})));
    byte[] imports =
        section(
            2,
            vec(
                cat(name("wasi_snapshot_preview1"), name("proc_exit"), bytes(0x00), leb(1)),
                cat(name("env"), name("table"), bytes(0x01, 0x70, 0x00), leb(3)),
                cat(name("env"), name("counter"), bytes(0x03, I64, 0x01))));
    byte[] functions = section(3, vec(leb(0), leb(2), leb(1)));
    byte[] memory = section(5, vec(bytes(0x01, 0x02, 0x10)));
    byte[] globals = section(6, vec(cat(bytes(F64, 0x00, 0x44), new byte[8], bytes(0x0b))));
    byte[] exports =
        section(
            7,
            vec(
                cat(name("add"), bytes(0x00), leb(1)),
                cat(name("_start"), bytes(0x00), leb(3)),
                cat(name("mix"), bytes(0x00), leb(2)),
                cat(name("memory"), bytes(0x02), leb(0)),
                cat(name("table"), bytes(0x01), leb(0)),
                cat(name("pi"), bytes(0x03), leb(1))));
    byte[] code =
        section(
            10,
            vec(
                cat(leb(4), bytes(0x00, 0x41, 0x00, 0x0b)),
                cat(leb(2), bytes(0x00, 0x0b)),
                cat(leb(2), bytes(0x00, 0x0b))));
    byte[] names =
        custom(
            "name",
            cat(
                bytes(0x00),
                leb(name("demo").length),
                name("demo"),
                section(1, vec(cat(leb(1), name("add")), cat(leb(3), name("start"))))));
    byte[] producers =
        custom(
            "producers",
            vec(
                cat(name("language"), vec(cat(name("C11"), name("")))),
                cat(name("processed-by"), vec(cat(name("clang"), name("19.1.7"))))));
    byte[] metadata =
        custom(
            "weverywhere",
            ("{\"name\":\"demo\",\"version\":\"1.2.3\","
                    + "\"description\":\"A demo\",\"functions\":{\"add\":{\"description\":\"Adds\","
                    + "\"params\":[\"a\",{\"name\":\"b\",\"type\":\"i32\"}],\"results\":[\"sum\"]}}}")
                .getBytes(StandardCharsets.UTF_8));
    return module(
        types, imports, functions, memory, globals, exports, code, names, producers, metadata);
  }
}
