package org.weverywhere.exec;

import org.weverywhere.wasm.ValueType;

/** A number passed to or returned from a WebAssembly function, tagged with its type. */
public sealed interface WasmValue extends CallValue {
  ValueType type();

  @Override
  default String typeName() {
    return type().text();
  }

  /** The value's bits as engines pass them (floats as their IEEE bits, i32 sign-extended). */
  long bits();

  /** Reads {@code bits} as a value of {@code type}; only the four number types are accepted. */
  static WasmValue ofBits(ValueType type, long bits) {
    return switch (type) {
      case I32 -> new I32((int) bits);
      case I64 -> new I64(bits);
      case F32 -> new F32(Float.intBitsToFloat((int) bits));
      case F64 -> new F64(Double.longBitsToDouble(bits));
      default -> throw new IllegalArgumentException("not a number type: " + type);
    };
  }

  record I32(int value) implements WasmValue {
    public ValueType type() {
      return ValueType.I32;
    }

    public long bits() {
      return value;
    }
  }

  record I64(long value) implements WasmValue {
    public ValueType type() {
      return ValueType.I64;
    }

    public long bits() {
      return value;
    }
  }

  record F32(float value) implements WasmValue {
    public ValueType type() {
      return ValueType.F32;
    }

    public long bits() {
      return Float.floatToRawIntBits(value) & 0xffff_ffffL;
    }
  }

  record F64(double value) implements WasmValue {
    public ValueType type() {
      return ValueType.F64;
    }

    public long bits() {
      return Double.doubleToRawLongBits(value);
    }
  }
}
