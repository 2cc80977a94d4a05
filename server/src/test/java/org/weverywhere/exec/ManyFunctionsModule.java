package org.weverywhere.exec;

/**
 * A valid module generated to be costly to compile and cheap to run (issue 13, item 12): the
 * compile budget's tests on both engines and against the daemon on Liberty send it.
 */
public final class ManyFunctionsModule {
  private ManyFunctionsModule() {}

  /**
   * {@code functions} exported functions {@code f0…}, each {@code (i32) -> i32} adding 1 to its
   * argument {@code adds} times: about {@code functions × adds × 7} bytes of code to compile.
   */
  public static byte[] of(int functions, int adds) {
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    section(out, 1, new byte[] {1, 0x60, 1, 0x7f, 1, 0x7f});
    var declared = new java.io.ByteArrayOutputStream();
    org.weverywhere.wasm.Leb128.write(declared, functions);
    for (int i = 0; i < functions; i++) {
      declared.write(0);
    }
    section(out, 3, declared.toByteArray());
    var exports = new java.io.ByteArrayOutputStream();
    org.weverywhere.wasm.Leb128.write(exports, functions);
    for (int i = 0; i < functions; i++) {
      byte[] name = ("f" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      org.weverywhere.wasm.Leb128.write(exports, name.length);
      exports.writeBytes(name);
      exports.write(0);
      org.weverywhere.wasm.Leb128.write(exports, i);
    }
    section(out, 7, exports.toByteArray());
    var body = new java.io.ByteArrayOutputStream();
    body.write(0); // no locals
    for (int i = 0; i < adds; i++) {
      body.writeBytes(
          new byte[] {0x20, 0, 0x41, 1, 0x6a, 0x21, 0}); // local.set 0 (local.get 0 + 1)
    }
    body.writeBytes(new byte[] {0x20, 0, 0x0b});
    byte[] one = body.toByteArray();
    var code = new java.io.ByteArrayOutputStream();
    org.weverywhere.wasm.Leb128.write(code, functions);
    for (int i = 0; i < functions; i++) {
      org.weverywhere.wasm.Leb128.write(code, one.length);
      code.writeBytes(one);
    }
    section(out, 10, code.toByteArray());
    return out.toByteArray();
  }

  private static void section(java.io.ByteArrayOutputStream out, int id, byte[] content) {
    out.write(id);
    org.weverywhere.wasm.Leb128.write(out, content.length);
    out.writeBytes(content);
  }
}
