package org.weverywhere.control;

/** Who is on the other end of a control connection, as the kernel tells it (SO_PEERCRED). */
public record PeerCredentials(long uid, long gid, long pid) {
  @Override
  public String toString() {
    return "uid " + uid + " gid " + gid + " pid " + pid;
  }
}
