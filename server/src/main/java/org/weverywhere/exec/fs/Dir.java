package org.weverywhere.exec.fs;

import java.util.Map;
import java.util.TreeMap;

/** A directory: its entries in name order (so listings are stable) and its parent. */
public final class Dir extends Node {
  final TreeMap<String, Node> children = new TreeMap<>();

  /** The directory holding this one; itself for a preopen's root. */
  Dir parent;

  Dir(long ino, long now) {
    super(ino, now);
    this.parent = this;
  }

  public Map<String, Node> children() {
    return java.util.Collections.unmodifiableMap(children);
  }

  public Dir parent() {
    return parent;
  }

  /** Removed from its parent (an open descriptor may still name it). */
  public boolean removed() {
    return links == 0;
  }

  @Override
  public int filetype() {
    return 3;
  }

  @Override
  public long size() {
    return 4096;
  }
}
