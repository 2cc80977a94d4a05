package org.weverywhere.exec.chicory;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Linear memories of one module kept between its executions, so that a warm call does not allocate
 * a fresh memory (which the JVM zeroes) only for Chicory to zero it again: a math.add spent 11 % of
 * the daemon's CPU samples there (docs/PERFORMANCE.md, issue 16).
 *
 * <p>Nothing passes from one requester to the next: a memory is taken back only at the size it was
 * made (one that grew is dropped, so {@code memory.size} starts where the module says), and
 * Chicory's {@code Instance.initialize} zeroes every memory it is given before it writes the
 * module's data segments ({@code Memory.zero()}, checked by MemoryPoolTest against the Chicory in
 * use). Shared memories (threads) are never pooled. At most {@link #MAX_BYTES} are kept per module.
 */
final class MemoryPool {
  /** Bytes of idle memories kept for one module: enough for a few small guests at once. */
  static final long MAX_BYTES = 4L << 20;

  private record Size(int initialPages, int maximumPages) {}

  private final Map<Size, ArrayDeque<Memory>> idle = new HashMap<>();
  private long bytes;

  /** A memory of {@code limits}: an idle one if there is one, else a new one. */
  Memory take(MemoryLimits limits) {
    if (!limits.shared()) {
      synchronized (this) {
        ArrayDeque<Memory> same = idle.get(size(limits));
        Memory memory = same == null ? null : same.pollFirst();
        if (memory != null) {
          bytes -= bytesOf(memory);
          return memory;
        }
      }
    }
    return new ByteBufferMemory(limits);
  }

  /** Takes {@code memory} back for the next instance, if it is as it was made and there is room. */
  void give(Memory memory, MemoryLimits limits) {
    if (limits.shared() || memory.pages() != limits.initialPages()) {
      return;
    }
    long size = bytesOf(memory);
    synchronized (this) {
      if (bytes + size > MAX_BYTES) {
        return;
      }
      idle.computeIfAbsent(size(limits), s -> new ArrayDeque<>()).addFirst(memory);
      bytes += size;
    }
  }

  /** Bytes the idle memories hold. */
  synchronized long idleBytes() {
    return bytes;
  }

  private static Size size(MemoryLimits limits) {
    return new Size(limits.initialPages(), limits.maximumPages());
  }

  private static long bytesOf(Memory memory) {
    return (long) memory.pages() * Memory.PAGE_SIZE;
  }
}
