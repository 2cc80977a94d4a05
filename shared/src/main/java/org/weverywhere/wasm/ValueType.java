package org.weverywhere.wasm;

/** A WebAssembly value type as it appears in signatures, named as in the text format. */
public enum ValueType {
  I32(0x7f, "i32"),
  I64(0x7e, "i64"),
  F32(0x7d, "f32"),
  F64(0x7c, "f64"),
  V128(0x7b, "v128"),
  FUNCREF(0x70, "funcref"),
  EXTERNREF(0x6f, "externref");

  private final int code;
  private final String text;

  ValueType(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The type for a binary type code, or null when the code names no type this reader knows. */
  static ValueType fromCode(int code) {
    for (ValueType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return null;
  }

  /** The type named {@code text} in the text format, or null when no type has that name. */
  static ValueType fromText(String text) {
    for (ValueType type : values()) {
      if (type.text.equals(text)) {
        return type;
      }
    }
    return null;
  }

  public boolean isReference() {
    return this == FUNCREF || this == EXTERNREF;
  }

  /** The text-format name, e.g. {@code i32}. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
