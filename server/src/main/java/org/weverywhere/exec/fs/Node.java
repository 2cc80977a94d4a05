package org.weverywhere.exec.fs;

/** An inode of the sandbox: a directory, a regular file or a symbolic link, with its times. */
public abstract sealed class Node permits Dir, RegularFile, Link {
  final long ino;
  long atim;
  long mtim;
  long ctim;

  /** Directory entries naming this node (hard links); 0 once it is removed. */
  int links;

  Node(long ino, long now) {
    this.ino = ino;
    this.atim = now;
    this.mtim = now;
    this.ctim = now;
  }

  public long ino() {
    return ino;
  }

  public long atim() {
    return atim;
  }

  public long mtim() {
    return mtim;
  }

  public long ctim() {
    return ctim;
  }

  public void times(long atim, long mtim, long now) {
    this.atim = atim;
    this.mtim = mtim;
    this.ctim = now;
  }

  /** WASI's filetype: 3 directory, 4 regular file, 7 symbolic link. */
  public abstract int filetype();

  public abstract long size();

  /** Hard links as WASI reports them. */
  public long nlink() {
    return links;
  }
}
