package org.weverywhere.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Users and groups as this system resolves them: names through {@code getent}, so that accounts
 * from LDAP, SSSD or any other NSS source count like those in /etc/passwd and /etc/group, and a
 * connected process's supplementary groups from the kernel ({@code /proc/PID/status}), which is
 * what that process may actually do, whatever a directory lists.
 */
public final class SystemAccounts implements PeerPolicy.Accounts {
  private static final long GETENT_TIMEOUT_SECONDS = 5;
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  @Override
  public Optional<PeerPolicy.ControlGroup> group(String name) throws IOException {
    return getent("group", name).map(SystemAccounts::parseGroup);
  }

  @Override
  public Optional<String> userName(long uid) {
    try {
      return getent("passwd", Long.toString(uid))
          .map(line -> line.substring(0, Math.max(0, line.indexOf(':'))))
          .filter(name -> !name.isEmpty());
    } catch (IOException e) {
      return Optional.empty(); // a name only decorates the journal; the uid is what is authorised
    }
  }

  @Override
  public Set<Long> supplementaryGroups(long pid) {
    try {
      return groupsLine(
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Set.of(); // the process is gone or /proc is hidden: only its primary gid counts
    }
  }

  /** The gids on the {@code Groups:} line of a /proc status file. */
  static Set<Long> groupsLine(List<String> status) {
    Set<Long> gids = new HashSet<>();
    for (String line : status) {
      if (line.startsWith("Groups:")) {
        for (String gid : line.substring("Groups:".length()).trim().split("\\s+")) {
          if (!gid.isEmpty()) {
            gids.add(Long.parseLong(gid));
          }
        }
      }
    }
    return Set.copyOf(gids);
  }

  /** A group entry as {@code getent group} prints it: {@code name:password:gid:member,member}. */
  static PeerPolicy.ControlGroup parseGroup(String line) {
    String[] fields = line.split(":", -1);
    if (fields.length < 4) {
      throw new IllegalArgumentException("not a group entry: " + line);
    }
    Set<String> members =
        fields[3].isBlank() ? Set.of() : Set.copyOf(Arrays.asList(fields[3].split(",")));
    return new PeerPolicy.ControlGroup(fields[0], Long.parseLong(fields[2]), members);
  }

  /**
   * The one line getent prints for {@code key} in {@code database}; empty when it has none (exit
   * 2).
   */
  private static Optional<String> getent(String database, String key) throws IOException {
    Process process = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
    try (InputStream out = process.getInputStream()) {
      byte[] answer = out.readNBytes(MAX_ANSWER_BYTES);
      if (!process.waitFor(GETENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            "getent "
                + database
                + " "
                + key
                + " did not answer in "
                + GETENT_TIMEOUT_SECONDS
                + " s");
      }
      return switch (process.exitValue()) {
        case 0 ->
            Optional.of(new String(answer, StandardCharsets.UTF_8).lines().findFirst().orElse(""));
        case 2 -> Optional.empty();
        default ->
            throw new IOException(
                "getent "
                    + database
                    + " "
                    + key
                    + " failed (exit "
                    + process.exitValue()
                    + "): "
                    + new String(answer, StandardCharsets.UTF_8).strip());
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while asking getent " + database + " " + key, e);
    }
  }
}
