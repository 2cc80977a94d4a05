package org.weverywhere.exec;

import java.util.ArrayList;
import java.util.List;
import org.weverywhere.exec.host.HostFault;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.FuncType;

/**
 * One call of an export whose metadata declares byte strings, lowered to its core signature by the
 * convention of docs/SERVICES.md: each byte-string argument is copied into a buffer the guest gives
 * from {@code weverywhere_alloc (i32 len) -> i32 ptr} and passed as {@code (ptr, len)}; a
 * byte-string result is the {@code i64} {@code (ptr << 32) | len}, copied out at once. Every
 * pointer and length is checked against the guest's memory; a bad one traps the call (kind host)
 * with the reason, never touches the host.
 *
 * @param args checked against {@code declared} already (Preflight)
 */
public record ByteStringCall(
    String function, CallSignature declared, FuncType core, List<CallValue> args) {
  public ByteStringCall {
    args = List.copyOf(args);
  }

  /** Runs the call in {@code guest}; a bad pointer, length or text throws {@link HostFault}. */
  public WasmEngine.Returned run(WasmEngine.Guest guest) {
    long[] lowered = new long[core.params().size()];
    int at = 0;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case WasmValue number -> lowered[at++] = number.bits();
        case ByteString bytes -> {
          byte[] data = bytes.bytes();
          int pointer = allocate(guest, data.length, i + 1);
          guest.memory().write(pointer, data);
          lowered[at++] = pointer;
          lowered[at++] = data.length;
        }
      }
    }
    long[] raw = guest.call(function, core, lowered);
    List<CallValue> results = new ArrayList<>();
    for (int i = 0; i < declared.results().size(); i++) {
      String type = declared.results().get(i);
      results.add(
          CallSignature.isByteString(type)
              ? result(guest, raw[i], CallSignature.STRING.equals(type))
              : WasmValue.ofBits(core.results().get(i), raw[i]));
    }
    return new WasmEngine.Returned(results);
  }

  private int allocate(WasmEngine.Guest guest, int length, int argument) {
    int pointer =
        (int)
            guest
                .call(CallSignature.ALLOCATOR, CallSignature.ALLOCATOR_TYPE, new long[] {length})[
                0];
    String where =
        "argument "
            + argument
            + " of "
            + function
            + ": "
            + CallSignature.ALLOCATOR
            + "("
            + length
            + ")";
    if (pointer == 0 && length > 0) {
      throw new HostFault(where + " returned 0: the guest is out of memory");
    }
    check(guest, pointer, length, where + " gave");
    return pointer;
  }

  private ByteString result(WasmEngine.Guest guest, long packed, boolean text) {
    int pointer = (int) (packed >>> 32);
    long length = packed & 0xffff_ffffL;
    String where = "result of " + function;
    if (length > CallSignature.MAX_BYTES) {
      throw new HostFault(
          where
              + " is "
              + length
              + " bytes, more than the "
              + CallSignature.MAX_BYTES
              + " a byte string may have");
    }
    check(guest, pointer, (int) length, where + ":");
    byte[] bytes = guest.memory().read(pointer, (int) length);
    if (text) {
      var invalid = ByteString.invalidUtf8(bytes);
      if (invalid.isPresent()) {
        throw new HostFault(where + " is a string but " + invalid.get());
      }
    }
    return new ByteString(bytes, text);
  }

  private static void check(WasmEngine.Guest guest, int pointer, int length, String where) {
    long size = guest.memory().size();
    long end = Integer.toUnsignedLong(pointer) + Integer.toUnsignedLong(length);
    if (end > size) {
      throw new HostFault(
          where
              + " ["
              + Integer.toUnsignedLong(pointer)
              + ", +"
              + Integer.toUnsignedLong(length)
              + ") is outside the guest's memory of "
              + size
              + " bytes");
    }
  }
}
