package org.weverywhere.exec.chicory;

import com.dylibso.chicory.runtime.Memory;
import org.weverywhere.exec.host.GuestMemory;
import org.weverywhere.exec.host.HostFault;

/** A Chicory instance's memory, bounds-checked before Chicory sees the access. */
final class ChicoryMemory implements GuestMemory {
  private final Memory memory;

  ChicoryMemory(Memory memory) {
    this.memory = memory;
  }

  private void check(int address, int length) {
    if (memory == null) {
      throw new HostFault("the module has no memory");
    }
    long end = Integer.toUnsignedLong(address) + Integer.toUnsignedLong(length);
    if (end > (long) memory.pages() * Memory.PAGE_SIZE) {
      throw new HostFault(
          "access to " + Integer.toUnsignedLong(address) + "+" + Integer.toUnsignedLong(length)
              + " is outside the guest's memory");
    }
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
