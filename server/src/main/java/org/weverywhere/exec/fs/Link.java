package org.weverywhere.exec.fs;

/** A symbolic link: its relative target, resolved inside the sandbox only. */
public final class Link extends Node {
  final String target;

  Link(long ino, long now, String target) {
    super(ino, now);
    this.target = target;
  }

  public String target() {
    return target;
  }

  @Override
  public int filetype() {
    return 7;
  }

  @Override
  public long size() {
    return target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }
}
