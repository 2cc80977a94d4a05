package org.weverywhere.wasm;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** A WebAssembly binary could not be read; says at which byte and why. */
public final class WasmFormatException extends WeverywhereException {
  private static final long serialVersionUID = 1L;
  private final long offset;
  private final String reason;

  WasmFormatException(ErrorCode code, long offset, String reason) {
    super(code, "at byte " + offset + ": " + reason);
    this.offset = offset;
    this.reason = reason;
  }

  /** Byte offset in the file where reading failed. */
  public long offset() {
    return offset;
  }

  /** The cause without the position, e.g. {@code section 2 (import) claims 4294967295 bytes...}. */
  public String reason() {
    return reason;
  }

  static WasmFormatException truncated(long offset, String what) {
    return new WasmFormatException(ErrorCode.WASM_TRUNCATED, offset, "file ends inside " + what);
  }

  static WasmFormatException malformed(long offset, String reason) {
    return new WasmFormatException(ErrorCode.WASM_MALFORMED, offset, reason);
  }
}
