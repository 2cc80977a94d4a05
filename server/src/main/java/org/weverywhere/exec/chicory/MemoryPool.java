package org.weverywhere.exec.chicory;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Linear memories of one module kept between its executions, so that a warm call does not allocate
 * a fresh memory (which the JVM zeroes) only for Chicory to zero it again: a math.add spent 11 % of
 * the daemon's CPU samples there (docs/PERFORMANCE.md, issue 16).
 *
 * <p>Nothing passes from one requester to the next: a memory is taken back only at the size it was
 * made (one that grew is dropped, so {@code memory.size} starts where the module says), and
 * Chicory's {@code Instance.initialize} zeroes every memory it is given before it writes the
 * module's data segments ({@code Memory.zero()}, checked by MemoryPoolTest against the Chicory in
 * use). Shared memories (threads) are never pooled. At most {@link #MAX_BYTES} are kept per module,
 * and all modules' pools together keep at most their engine's {@link Budget}: idle memory is the
 * daemon's own heap, which no grant counts, so one requester's many distinct modules (each cached
 * with a pool) must not hold more of it than a fixed amount.
 */
final class MemoryPool {
  /** Bytes of idle memories kept for one module: enough for a few small guests at once. */
  static final long MAX_BYTES = 4L << 20;

  /** Idle bytes all of one engine's pools keep together. */
  static final class Budget {
    /** What an engine's pools keep at most by default: part of the daemon's own heap reserve. */
    static final long DEFAULT_BYTES = 16L << 20;

    private final long max;
    private final AtomicLong used = new AtomicLong();

    Budget(long max) {
      this.max = max;
    }

    private boolean reserve(long bytes) {
      long now;
      do {
        now = used.get();
        if (now + bytes > max) {
          return false;
        }
      } while (!used.compareAndSet(now, now + bytes));
      return true;
    }

    private void release(long bytes) {
      used.addAndGet(-bytes);
    }

    long usedBytes() {
      return used.get();
    }
  }

  private record Size(int initialPages, int maximumPages) {}

  private final Budget budget;
  private final Map<Size, ArrayDeque<Memory>> idle = new HashMap<>();
  private long bytes;
  private boolean closed;

  MemoryPool(Budget budget) {
    this.budget = budget;
  }

  /** A memory of {@code limits}: an idle one if there is one, else a new one. */
  Memory take(MemoryLimits limits) {
    if (!limits.shared()) {
      synchronized (this) {
        ArrayDeque<Memory> same = idle.get(size(limits));
        Memory memory = same == null ? null : same.pollFirst();
        if (memory != null) {
          bytes -= bytesOf(memory);
          budget.release(bytesOf(memory));
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
      if (closed || bytes + size > MAX_BYTES || !budget.reserve(size)) {
        return;
      }
      idle.computeIfAbsent(size(limits), s -> new ArrayDeque<>()).addFirst(memory);
      bytes += size;
    }
  }

  /**
   * Drops every idle memory and keeps none from now on (the module left the cache; an execution
   * still running gives its memory back to nothing), returning their bytes to the engine's budget.
   */
  synchronized void close() {
    closed = true;
    budget.release(bytes);
    bytes = 0;
    idle.clear();
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
