package org.weverywhere.exec.chicory;

import com.dylibso.chicory.runtime.Memory;
import org.weverywhere.exec.host.GuestMemory;

/** A Chicory instance's memory, bounds-checked before Chicory sees the access. */
final class ChicoryMemory implements GuestMemory {
  private final Memory memory;

  ChicoryMemory(Memory memory) {
    this.memory = memory;
  }

  @Override
  public long size() {
    return memory == null ? 0 : (long) memory.pages() * Memory.PAGE_SIZE;
  }

  @Override
  public byte[] read(int address, int length) {
    check(address, length);
    return memory.readBytes(address, length);
  }

  @Override
  public void write(int address, byte[] bytes) {
    check(address, bytes.length);
    memory.write(address, bytes);
  }
}
