package org.weverywhere.exec.host;

/** A guest memory over a plain array, for calling host functions without an engine. */
final class ArrayMemory implements GuestMemory {
  final byte[] bytes;

  ArrayMemory(int size) {
    bytes = new byte[size];
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public byte[] read(int address, int length) {
    check(address, length);
    return java.util.Arrays.copyOfRange(bytes, address, address + length);
  }

  @Override
  public void write(int address, byte[] data) {
    check(address, data.length);
    System.arraycopy(data, 0, bytes, address, data.length);
  }

  void writeString(int address, String s) {
    write(address, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
