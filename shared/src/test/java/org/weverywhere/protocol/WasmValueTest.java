package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Message.WasmValue;

/** The wire's Value: numbers, and the byte strings of docs/SERVICES.md, bounded. */
class WasmValueTest {
  @Test
  void byteStringsTravelAsBytesOrText() {
    assertEquals(List.of("string", "wörld"), WasmValue.string("wörld").toList());
    WasmValue bytes = WasmValue.bytes(new byte[] {1, 2});
    assertEquals("bytes", bytes.toList().get(0));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) bytes.toList().get(1));
    assertEquals(WasmValue.string("wörld"), WasmValue.read(List.of("string", "wörld"), "args[0]"));
    assertEquals(bytes, WasmValue.read(List.of("bytes", new byte[] {1, 2}), "args[0]"));
    assertEquals(new WasmValue("i32", 5), WasmValue.read(List.of("i32", 5L), "args[0]"));
  }

  @Test
  void aValueOverOneMebibyteOrOfTheWrongShapeIsMalformed() {
    byte[] large = new byte[WasmValue.MAX_BYTES + 1];
    var tooLarge =
        assertThrows(
            ProtocolException.class, () -> WasmValue.read(List.of("bytes", large), "args[0]"));
    assertTrue(tooLarge.getMessage().contains("args[0]"), tooLarge.getMessage());
    assertThrows(
        ProtocolException.class,
        () -> WasmValue.read(List.of("string", new byte[] {1}), "args[0]"));
    assertThrows(ProtocolException.class, () -> WasmValue.read(List.of("bytes", 5L), "args[0]"));
    assertThrows(IllegalArgumentException.class, () -> WasmValue.bytes(large));
  }
}
