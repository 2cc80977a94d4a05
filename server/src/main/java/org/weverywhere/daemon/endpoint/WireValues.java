package org.weverywhere.daemon.endpoint;

import org.weverywhere.exec.ByteString;
import org.weverywhere.exec.CallValue;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.protocol.Message;
import org.weverywhere.wasm.ValueType;

/**
 * Values between the wire's {@code [type, bits]} / {@code ["bytes", bstr]} / {@code ["string",
 * tstr]} pairs and the executor's typed values.
 */
final class WireValues {
  private WireValues() {}

  static CallValue toExec(Message.WasmValue wire) {
    ValueType type =
        switch (wire.type()) {
          case "i32" -> ValueType.I32;
          case "i64" -> ValueType.I64;
          case "f32" -> ValueType.F32;
          case "f64" -> ValueType.F64;
          case "bytes" -> null;
          case "string" -> null;
          default -> throw new IllegalArgumentException("not a value type: " + wire.type());
        };
    return type == null
        ? new ByteString(wire.data(), wire.type().equals("string"))
        : WasmValue.ofBits(type, wire.bits());
  }

  static Message.WasmValue toWire(CallValue value) {
    return switch (value) {
      case WasmValue number -> new Message.WasmValue(number.type().text(), number.bits());
      case ByteString bytes ->
          bytes.text()
              ? Message.WasmValue.string(bytes.string())
              : Message.WasmValue.bytes(bytes.bytes());
    };
  }
}
