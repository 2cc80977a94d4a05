package org.weverywhere.exec.fs;

/**
 * The bytes and entries one execution's trees may hold ({@code quota.disk.per-execution}): every
 * growth is charged here before memory is taken, so a guest can never hold more than this.
 */
public final class Disk {
  private final long limit;
  private final int maxEntries;
  private long used;
  private int entries;

  public Disk(long limit, int maxEntries) {
    this.limit = limit;
    this.maxEntries = maxEntries;
  }

  /** Takes {@code bytes} (negative gives back), or throws {@code NOSPC} and takes nothing. */
  void charge(long bytes) {
    if (bytes > 0 && bytes > limit - used) {
      throw new Errno(Errno.NOSPC);
    }
    used += bytes;
  }

  void entry(int delta) {
    if (delta > 0 && entries + delta > maxEntries) {
      throw new Errno(Errno.NOSPC);
    }
    entries += delta;
  }

  public long used() {
    return used;
  }

  public long limit() {
    return limit;
  }
}
