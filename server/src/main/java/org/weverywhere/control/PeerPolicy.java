package org.weverywhere.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Who may control the daemon: root, the daemon's own user, and members of the configured control
 * group (by primary gid or by membership listed in /etc/group). Everyone else is refused with a
 * reason that says which rule they did not meet.
 */
public final class PeerPolicy {
  private final long daemonUid;
  private final Optional<ControlGroup> group;

  /** The control group as /etc/group describes it. */
  public record ControlGroup(String name, long gid, Set<String> members) {}

  public PeerPolicy(long daemonUid, Optional<ControlGroup> group) {
    this.daemonUid = daemonUid;
    this.group = group;
  }

  /** The policy for this process, with {@code groupName} (if any) looked up in {@code etcGroup}. */
  public static PeerPolicy forThisProcess(Optional<String> groupName, Path etcGroup) throws IOException {
    long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    Optional<ControlGroup> group = groupName.isEmpty() ? Optional.empty()
        : Optional.of(lookUp(groupName.get(), etcGroup));
    return new PeerPolicy(uid, group);
  }

  static ControlGroup lookUp(String name, Path etcGroup) throws IOException {
    try (var lines = Files.lines(etcGroup)) {
      for (String line : (Iterable<String>) lines.limit(100_000)::iterator) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 4 && fields[0].equals(name)) {
          Set<String> members = fields[3].isBlank() ? Set.of()
              : Set.copyOf(Arrays.asList(fields[3].split(",")));
          return new ControlGroup(name, Long.parseLong(fields[2]), members);
        }
      }
    }
    throw new IOException("control.group '" + name + "' is not a group in " + etcGroup);
  }

  /** Empty when {@code peer} may control the daemon, else why not. */
  public Optional<String> refusal(Peer peer, Optional<String> peerUserName) {
    if (peer.uid() == 0 || peer.uid() == daemonUid) {
      return Optional.empty();
    }
    if (group.isPresent()) {
      ControlGroup g = group.get();
      if (peer.gid() == g.gid() || peerUserName.map(g.members()::contains).orElse(false)) {
        return Optional.empty();
      }
      return Optional.of("refused: " + peer + " is neither root, the daemon's user (uid " + daemonUid
          + "), nor in the control group '" + g.name() + "'");
    }
    return Optional.of("refused: " + peer + " is neither root nor the daemon's user (uid " + daemonUid
        + "); no control.group is configured");
  }

  /** A user's name from /etc/passwd, for group membership; empty when the uid has no entry. */
  public static Optional<String> userName(long uid, Path etcPasswd) {
    try (var lines = Files.lines(etcPasswd)) {
      return lines.limit(100_000)
          .map(l -> l.split(":", -1))
          .filter(f -> f.length >= 3 && f[2].equals(Long.toString(uid)))
          .map(f -> f[0])
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
