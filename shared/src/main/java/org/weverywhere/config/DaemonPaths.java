package org.weverywhere.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a daemon keeps its state and listens for control, worked out the same way by the daemon and
 * by the CLI that talks to it: {@code WEVERYWHERE_STATE_DIR} wins, then {@code state.dir};
 * otherwise /var/lib/weverywhere for root and ~/.local/state/weverywhere for anyone else, so no
 * root is needed to try it. The control socket is {@code control.socket} when set, else
 * /run/weverywhere/control.sock for the system daemon (root, state directory not chosen) and {@code
 * <state dir>/control.sock} for any other, so two daemons never meet on one socket.
 */
public record DaemonPaths(Path stateDir, Path controlSocket) {
  public static final String STATE_DIR_VARIABLE = "WEVERYWHERE_STATE_DIR";

  public static DaemonPaths of(Config config, Map<String, String> environment) {
    boolean root = "root".equals(System.getProperty("user.name"));
    Optional<Path> chosen =
        Optional.ofNullable(environment.get(STATE_DIR_VARIABLE))
            .filter(v -> !v.isBlank())
            .map(Path::of)
            .or(() -> config.optional(ConfigKeys.STATE_DIR));
    Path state =
        chosen
            .orElseGet(
                () ->
                    root
                        ? Path.of("/var/lib/weverywhere")
                        : Path.of(
                            System.getProperty("user.home"), ".local", "state", "weverywhere"))
            .toAbsolutePath();
    Path socket =
        config.isSet(ConfigKeys.CONTROL_SOCKET) || (root && chosen.isEmpty())
            ? config.value(ConfigKeys.CONTROL_SOCKET)
            : state.resolve("control.sock");
    return new DaemonPaths(state, socket);
  }
}
