package org.weverywhere.exec.host;

/**
 * The calling guest's linear memory as a host function sees it, little-endian. Every access is
 * bounds-checked: an address outside memory throws {@link HostFault}, never touches the host.
 */
public interface GuestMemory {
  /** Bytes of linear memory now; 0 when the guest has none. */
  long size();

  /** Throws {@link HostFault} unless {@code [address, address + length)} lies in memory. */
  default void check(int address, int length) {
    long end = Integer.toUnsignedLong(address) + Integer.toUnsignedLong(length);
    if (end > size()) {
      throw new HostFault(
          "access to "
              + Integer.toUnsignedLong(address)
              + "+"
              + Integer.toUnsignedLong(length)
              + " is outside the guest's memory of "
              + size()
              + " bytes");
    }
  }

  byte[] read(int address, int length);

  void write(int address, byte[] bytes);

  default int readI32(int address) {
    byte[] b = read(address, 4);
    return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
  }

  default void writeI32(int address, int value) {
    write(
        address,
        new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
  }

  default void writeI64(int address, long value) {
    writeI32(address, (int) value);
    writeI32(address + 4, (int) (value >>> 32));
  }
}
