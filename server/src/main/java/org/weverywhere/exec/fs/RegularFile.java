package org.weverywhere.exec.fs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A regular file's bytes in pages of {@link #PAGE} bytes, allocated only where written: a size set
 * far ahead costs quota, not memory. Its bytes are charged once per hard link (each comes back as a
 * file of its own), and while only an open descriptor keeps it.
 */
public final class RegularFile extends Node {
  static final int PAGE = 64 * 1024;

  private final Disk disk;
  private final List<byte[]> pages = new ArrayList<>();
  private long size;
  private long charged;

  /** Open descriptors: an unlinked file lives (and counts) until the last one closes. */
  int opens;

  RegularFile(long ino, long now, Disk disk) {
    super(ino, now);
    this.disk = disk;
  }

  @Override
  public int filetype() {
    return 4;
  }

  @Override
  public long size() {
    return size;
  }

  /** Copies up to {@code length} bytes from {@code position}; fewer at the end, 0 past it. */
  public int read(long position, byte[] into, int offset, int length) {
    if (position >= size) {
      return 0;
    }
    int count = (int) Math.min(length, size - position);
    int done = 0;
    while (done < count) {
      long at = position + done;
      int page = (int) (at / PAGE);
      int in = (int) (at % PAGE);
      int n = Math.min(count - done, PAGE - in);
      byte[] bytes = page < pages.size() ? pages.get(page) : null;
      if (bytes == null) {
        Arrays.fill(into, offset + done, offset + done + n, (byte) 0);
      } else {
        System.arraycopy(bytes, in, into, offset + done, n);
      }
      done += n;
    }
    return count;
  }

  /** Writes at {@code position}, growing the file (and its charge) as needed. */
  public void write(long position, byte[] from, int offset, int length, long now) {
    if (length == 0) {
      return;
    }
    long end = position + length;
    if (end < 0) {
      throw new Errno(Errno.FBIG);
    }
    if (end > size) {
      resize(end);
    }
    int done = 0;
    while (done < length) {
      long at = position + done;
      int page = (int) (at / PAGE);
      int in = (int) (at % PAGE);
      int n = Math.min(length - done, PAGE - in);
      byte[] bytes = pages.get(page);
      if (bytes == null) {
        bytes = new byte[PAGE];
        pages.set(page, bytes);
      }
      System.arraycopy(from, offset + done, bytes, in, n);
      done += n;
    }
    mtim = now;
    ctim = now;
  }

  /** Grows with zeros or cuts to {@code newSize}. */
  public void truncate(long newSize, long now) {
    if (newSize < 0) {
      throw new Errno(Errno.INVAL);
    }
    resize(newSize);
    mtim = now;
    ctim = now;
  }

  private void resize(long newSize) {
    long oldSize = size;
    size = newSize;
    try {
      recharge();
    } catch (Errno full) {
      size = oldSize;
      throw full;
    }
    int pageCount = (int) ((newSize + PAGE - 1) / PAGE);
    while (pages.size() > pageCount) {
      pages.removeLast();
    }
    while (pages.size() < pageCount) {
      pages.add(null);
    }
    if (newSize < oldSize && newSize % PAGE != 0 && pages.get(pageCount - 1) != null) {
      byte[] last = pages.get(pageCount - 1);
      Arrays.fill(last, (int) (newSize % PAGE), PAGE, (byte) 0); // a later growth reads zeros
    }
  }

  /** Brings the charge to size × hard links (× 1 while only open, 0 when gone). */
  void recharge() {
    long copies = links > 0 ? links : (opens > 0 ? 1 : 0);
    long wanted = size * copies;
    disk.charge(wanted - charged);
    charged = wanted;
  }

  /** The whole content, for sending the tree back (bounded by the quota it was charged to). */
  public byte[] content() {
    byte[] all = new byte[(int) size];
    read(0, all, 0, all.length);
    return all;
  }
}
