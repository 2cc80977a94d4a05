package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.Memory;
import io.github.kawamuray.wasmtime.Store;
import java.nio.ByteBuffer;
import org.weverywhere.exec.host.GuestMemory;
import org.weverywhere.exec.host.HostFault;

/** The guest's exported {@code memory}, its buffer fetched per host call (growth moves it). */
final class WasmtimeMemory implements GuestMemory {
  private final ByteBuffer buffer;

  /** @param memory the guest's exported memory, null when it has none (yet) */
  WasmtimeMemory(Memory memory, Store<Void> store) {
    this.buffer = memory == null ? null : memory.buffer(store);
  }

  private void check(int address, int length) {
    if (buffer == null) {
      throw new HostFault("the module exports no memory");
    }
    long end = Integer.toUnsignedLong(address) + Integer.toUnsignedLong(length);
    if (end > buffer.capacity()) {
      throw new HostFault(
          "access to " + Integer.toUnsignedLong(address) + "+" + Integer.toUnsignedLong(length)
              + " is outside the guest's memory");
    }
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
