package org.weverywhere.exec;

/**
 * A value passed to or returned from an exported function as its callers see it: a WebAssembly
 * number, or a byte string that the module's metadata declares (docs/SERVICES.md "Byte strings").
 */
public sealed interface CallValue permits WasmValue, ByteString {
  /**
   * The type's name in a {@link org.weverywhere.wasm.CallSignature}: {@code i32}... or {@code
   * bytes}/{@code string}.
   */
  String typeName();
}
