package org.weverywhere.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Who may control the daemon: root, the daemon's own user, and members of the configured control
 * group (by primary gid, by a supplementary group of the connected process, or as a member the
 * system's group database lists). Everyone else is refused with a reason that says which rule they
 * did not meet.
 */
public final class PeerPolicy {
  private final long daemonUid;
  private final Optional<ControlGroup> group;
  private final Accounts accounts;

  /** The control group as the system's group database describes it. */
  public record ControlGroup(String name, long gid, Set<String> members) {}

  /** Where users and groups are looked up: the operating system's edge, replaced only in tests. */
  public interface Accounts {
    /** The group of that name; empty when the system knows none. */
    Optional<ControlGroup> group(String name) throws IOException;

    /** The user name of a uid, for group membership and the journal; empty when it has none. */
    Optional<String> userName(long uid);

    /** The supplementary gids of a running process; empty when they cannot be read. */
    Set<Long> supplementaryGroups(long pid);
  }

  public PeerPolicy(long daemonUid, Optional<ControlGroup> group, Accounts accounts) {
    this.daemonUid = daemonUid;
    this.group = group;
    this.accounts = accounts;
  }

  /**
   * The policy for this process, with {@code groupName} (if any) looked up in the system's groups.
   */
  public static PeerPolicy forThisProcess(Optional<String> groupName, Accounts accounts)
      throws IOException {
    long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    Optional<ControlGroup> group = Optional.empty();
    if (groupName.isPresent()) {
      group =
          Optional.of(
              accounts
                  .group(groupName.get())
                  .orElseThrow(
                      () ->
                          new IOException(
                              "control.group '"
                                  + groupName.get()
                                  + "' is not a group this system knows (getent group)")));
    }
    return new PeerPolicy(uid, group, accounts);
  }

  /** Empty when {@code peer} may control the daemon, else why not. */
  public Optional<String> refusal(PeerCredentials peer) {
    if (peer.uid() == 0 || peer.uid() == daemonUid) {
      return Optional.empty();
    }
    if (group.isPresent()) {
      ControlGroup g = group.get();
      if (peer.gid() == g.gid()
          || accounts.supplementaryGroups(peer.pid()).contains(g.gid())
          || accounts.userName(peer.uid()).map(g.members()::contains).orElse(false)) {
        return Optional.empty();
      }
      return Optional.of(
          "refused: "
              + peer
              + " is neither root, the daemon's user (uid "
              + daemonUid
              + "), nor in the control group '"
              + g.name()
              + "'");
    }
    return Optional.of(
        "refused: "
            + peer
            + " is neither root nor the daemon's user (uid "
            + daemonUid
            + "); no control.group is configured");
  }
}
