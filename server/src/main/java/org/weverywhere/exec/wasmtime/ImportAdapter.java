package org.weverywhere.exec.wasmtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ValueType;

/**
 * Builds a small module that offers a guest all its imported functions while importing just one
 * host function, {@code host.dispatch(i32 index, i64 × 9) -> i64}.
 *
 * <p>Why: in wasmtime-java 0.19 (Wasmtime 7) every {@code new Func} compiles a trampoline with
 * Cranelift, about a quarter of a millisecond each, and host functions belong to one store, so a
 * fresh store per execution paid that for every WASI import (≈3 ms for hello). Through this
 * adapter, compiled once per lane and import list, a run creates one host function.
 */
final class ImportAdapter {
  static final String MODULE = "host";
  static final String DISPATCH = "dispatch";

  /** Most parameters of any function we provide ({@code path_open}). */
  static final int MAX_PARAMS = 9;

  private ImportAdapter() {}

  /** Exports {@code f0}, {@code f1}, ... with the given types, in order. */
  static byte[] module(List<FuncType> types) {
    for (FuncType type : types) {
      if (type.params().size() > MAX_PARAMS || type.results().size() > 1) {
        throw new IllegalArgumentException("cannot adapt " + type);
      }
    }
    var out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});

    var typeSection = new ByteArrayOutputStream();
    leb(typeSection, types.size() + 1);
    typeSection.write(0x60);
    leb(typeSection, 1 + MAX_PARAMS);
    typeSection.write(code(ValueType.I32));
    for (int i = 0; i < MAX_PARAMS; i++) {
      typeSection.write(code(ValueType.I64));
    }
    leb(typeSection, 1);
    typeSection.write(code(ValueType.I64));
    for (FuncType type : types) {
      typeSection.write(0x60);
      leb(typeSection, type.params().size());
      type.params().forEach(t -> typeSection.write(code(t)));
      leb(typeSection, type.results().size());
      type.results().forEach(t -> typeSection.write(code(t)));
    }
    section(out, 1, typeSection);

    var importSection = new ByteArrayOutputStream();
    leb(importSection, 1);
    name(importSection, MODULE);
    name(importSection, DISPATCH);
    importSection.write(0x00);
    leb(importSection, 0);
    section(out, 2, importSection);

    var functionSection = new ByteArrayOutputStream();
    leb(functionSection, types.size());
    for (int k = 0; k < types.size(); k++) {
      leb(functionSection, k + 1);
    }
    section(out, 3, functionSection);

    var exportSection = new ByteArrayOutputStream();
    leb(exportSection, types.size());
    for (int k = 0; k < types.size(); k++) {
      name(exportSection, "f" + k);
      exportSection.write(0x00);
      leb(exportSection, k + 1);
    }
    section(out, 7, exportSection);

    var codeSection = new ByteArrayOutputStream();
    leb(codeSection, types.size());
    for (int k = 0; k < types.size(); k++) {
      byte[] body = body(k, types.get(k));
      leb(codeSection, body.length);
      codeSection.writeBytes(body);
    }
    section(out, 10, codeSection);
    return out.toByteArray();
  }

  private static byte[] body(int index, FuncType type) {
    var body = new ByteArrayOutputStream();
    body.write(0x00); // no locals
    body.write(0x41); // i32.const index
    sleb(body, index);
    for (int i = 0; i < type.params().size(); i++) {
      body.write(0x20); // local.get i
      leb(body, i);
      switch (type.params().get(i)) {
        case I32 -> body.write(0xad); // i64.extend_i32_u
        case I64 -> {}
        case F32 -> {
          body.write(0xbc); // i32.reinterpret_f32
          body.write(0xad);
        }
        case F64 -> body.write(0xbd); // i64.reinterpret_f64
        default -> throw new IllegalArgumentException("cannot adapt " + type);
      }
    }
    for (int i = type.params().size(); i < MAX_PARAMS; i++) {
      body.write(0x42); // i64.const 0
      body.write(0x00);
    }
    body.write(0x10); // call dispatch
    body.write(0x00);
    if (type.results().isEmpty()) {
      body.write(0x1a); // drop
    } else {
      switch (type.results().getFirst()) {
        case I32 -> body.write(0xa7); // i32.wrap_i64
        case I64 -> {}
        case F32 -> {
          body.write(0xa7);
          body.write(0xbe); // f32.reinterpret_i32
        }
        case F64 -> body.write(0xbf); // f64.reinterpret_i64
        default -> throw new IllegalArgumentException("cannot adapt " + type);
      }
    }
    body.write(0x0b); // end
    return body.toByteArray();
  }

  private static int code(ValueType type) {
    return switch (type) {
      case I32 -> 0x7f;
      case I64 -> 0x7e;
      case F32 -> 0x7d;
      case F64 -> 0x7c;
      default -> throw new IllegalArgumentException("not a number type: " + type);
    };
  }

  private static void section(ByteArrayOutputStream out, int id, ByteArrayOutputStream content) {
    out.write(id);
    leb(out, content.size());
    out.writeBytes(content.toByteArray());
  }

  private static void name(ByteArrayOutputStream out, String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    leb(out, utf8.length);
    out.writeBytes(utf8);
  }

  private static void leb(ByteArrayOutputStream out, long value) {
    do {
      int b = (int) (value & 0x7f);
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }

  private static void sleb(ByteArrayOutputStream out, long value) {
    while (true) {
      int b = (int) (value & 0x7f);
      value >>= 7;
      boolean done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
      out.write(done ? b : b | 0x80);
      if (done) {
        return;
      }
    }
  }
}
