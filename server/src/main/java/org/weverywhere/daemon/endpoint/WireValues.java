package org.weverywhere.daemon.endpoint;

import org.weverywhere.exec.WasmValue;
import org.weverywhere.protocol.Message;
import org.weverywhere.wasm.ValueType;

/** Numbers between the wire's {@code [type, bits]} pairs and the executor's typed values. */
final class WireValues {
  private WireValues() {}

  static WasmValue toExec(Message.WasmValue wire) {
    ValueType type = switch (wire.type()) {
      case "i32" -> ValueType.I32;
      case "i64" -> ValueType.I64;
      case "f32" -> ValueType.F32;
      case "f64" -> ValueType.F64;
      default -> throw new IllegalArgumentException("not a number type: " + wire.type());
    };
    return WasmValue.ofBits(type, wire.bits());
  }

  static Message.WasmValue toWire(WasmValue value) {
    return new Message.WasmValue(value.type().text(), value.bits());
  }
}
