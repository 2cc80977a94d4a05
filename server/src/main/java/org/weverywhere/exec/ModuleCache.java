package org.weverywhere.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Compiled modules by SHA-256, least recently used evicted beyond {@code capacity}. Compiling
 * happens outside the lock; two threads compiling the same module at once keep the first.
 */
public final class ModuleCache<V> {
  private final int capacity;
  private final Consumer<V> onEvict;
  private final LinkedHashMap<String, V> entries = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param onEvict frees what an evicted (or losing duplicate) entry holds
   */
  public ModuleCache(int capacity, Consumer<V> onEvict) {
    this.capacity = capacity;
    this.onEvict = onEvict;
  }

  /** The entry if it is cached (marked as used), else null; never compiles. */
  public synchronized V cached(String sha256) {
    return entries.get(sha256);
  }

  public V get(String sha256, Supplier<V> compile) {
    synchronized (this) {
      V cached = entries.get(sha256);
      if (cached != null) {
        return cached;
      }
    }
    V compiled = compile.get();
    synchronized (this) {
      V raced = entries.get(sha256);
      if (raced != null) {
        onEvict.accept(compiled);
        return raced;
      }
      entries.put(sha256, compiled);
      if (entries.size() > capacity) {
        var eldest = entries.entrySet().iterator().next();
        entries.remove(eldest.getKey());
        onEvict.accept(eldest.getValue());
      }
      return compiled;
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  /** Empties the cache, freeing every entry. */
  public synchronized void clear() {
    for (Map.Entry<String, V> entry : entries.entrySet()) {
      onEvict.accept(entry.getValue());
    }
    entries.clear();
  }
}
