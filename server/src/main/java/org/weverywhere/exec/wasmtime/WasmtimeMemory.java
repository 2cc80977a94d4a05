package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.Memory;
import io.github.kawamuray.wasmtime.Store;
import java.nio.ByteBuffer;
import org.weverywhere.exec.host.GuestMemory;

/** The guest's exported {@code memory}, its buffer fetched per host call (growth moves it). */
final class WasmtimeMemory implements GuestMemory {
  private final ByteBuffer buffer;

  /**
   * @param memory the guest's exported memory, null when it has none (yet)
   */
  WasmtimeMemory(Memory memory, Store<Void> store) {
    this.buffer = memory == null ? null : memory.buffer(store);
  }

  @Override
  public long size() {
    return buffer == null ? 0 : buffer.capacity();
  }

  @Override
  public byte[] read(int address, int length) {
    check(address, length);
    byte[] bytes = new byte[length];
    buffer.get(address, bytes);
    return bytes;
  }

  @Override
  public void write(int address, byte[] bytes) {
    check(address, bytes.length);
    buffer.put(address, bytes);
  }
}
