package org.weverywhere.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigEntry;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.ConfigValueType;
import org.weverywhere.config.InvalidConfigException;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.trust.Fingerprint;

/**
 * The control actions that change the configuration: reload, set, unset, and a group's keys. Each
 * loads the would-be configuration whole before writing anything, refuses it whole if any of it is
 * invalid, and otherwise writes, replaces the running configuration and journals who asked. One
 * change at a time.
 */
final class ConfigEdits {
  private static final Logger LOG = Logger.getLogger(ConfigEdits.class.getName());
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  /** Keys read once at start (sockets, paths, the engine): a change to them waits for a restart. */
  private static final List<String> RESTART_PREFIXES =
      List.of(
          "node.",
          "state.",
          "network.",
          "peers.",
          "http.",
          "protocol.",
          "control.",
          "events.",
          "executor.engine",
          "executor.module-cache.",
          "executor.queue.",
          "libraries.max-module-size");

  private final RunningConfig running;
  private final EventJournal journal;
  private final LibraryStore libraries;
  private final Object changing = new Object();

  ConfigEdits(RunningConfig running, EventJournal journal, LibraryStore libraries) {
    this.running = running;
    this.journal = journal;
    this.libraries = libraries;
  }

  Map<String, Object> reload(String by) {
    synchronized (changing) {
      Config next = loadChecked(Map.of(), "reload");
      next.optional(ConfigKeys.LIBRARIES_DIR)
          .ifPresent(
              dir ->
                  libraries
                      .publishDirectory(dir)
                      .forEach(problem -> LOG.warning("libraries.dir: " + problem.getMessage())));
      return applied("reload", next, by, List.of());
    }
  }

  /**
   * @param localRoot whether root asks on the control socket: only root may change {@link
   *     #needsRoot} keys
   */
  Map<String, Object> set(Map<String, String> args, String by, boolean localRoot) {
    if (args.isEmpty()) {
      throw ControlArguments.bad("set needs at least one KEY=VALUE");
    }
    args.forEach(
        (key, value) -> {
          checkKey(key);
          refuseUnlessRoot(key, localRoot);
          if (value.isBlank()
              || value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
            throw ControlArguments.bad(
                "the value of '"
                    + key
                    + "' must be one line of text, not empty (to go back to the default: unset)");
          }
        });
    return changeDropIn("set", new LinkedHashMap<>(args), by);
  }

  Map<String, Object> unset(Map<String, String> args, String by, boolean localRoot) {
    if (args.isEmpty()) {
      throw ControlArguments.bad("unset needs at least one KEY");
    }
    args.keySet().forEach(ConfigEdits::checkKey);
    args.keySet().forEach(key -> refuseUnlessRoot(key, localRoot));
    Path dir = directory();
    Map<String, String> inDropIn = new ControlDropIn(dir).settings();
    Map<String, String> changes = new LinkedHashMap<>();
    for (String key : args.keySet()) {
      if (!inDropIn.containsKey(key)) {
        throw ControlArguments.bad(
            "'"
                + key
                + "' was not set by control"
                + origin(key)
                + "; only what `ctl set` wrote can be unset");
      }
      changes.put(key, null);
    }
    return changeDropIn("unset", changes, by);
  }

  private String origin(String key) {
    return running.current().entries().stream()
        .filter(e -> e.key().equals(key))
        .map(ConfigEntry::origin)
        .map(o -> " (its value comes from " + o + ")")
        .findFirst()
        .orElse("");
  }

  private Map<String, Object> changeDropIn(String action, Map<String, String> changes, String by) {
    synchronized (changing) {
      var dropIn = new ControlDropIn(directory());
      byte[] content = dropIn.contentWith(changes);
      Config next = loadChecked(Map.of(dropIn.file(), content), action);
      dropIn.write(content);
      return applied(action, next, by, List.of());
    }
  }

  Map<String, Object> addKey(ControlArguments args, String by) {
    String group = args.required("group");
    byte[] pem = args.required("key").getBytes(StandardCharsets.UTF_8);
    synchronized (changing) {
      Fingerprint added = new GroupKeyFiles(directory()).add(group, pem);
      Map<String, Object> data =
          applied("group-add-key", running.current(), by, List.of("groups/" + group));
      data.put("fingerprint", added.toString());
      return data;
    }
  }

  Map<String, Object> removeKey(ControlArguments args, String by) {
    String group = args.required("group");
    Fingerprint fingerprint;
    try {
      fingerprint = Fingerprint.parse(args.required("fingerprint"));
    } catch (RuntimeException bad) {
      throw ControlArguments.bad("fingerprint: " + bad.getMessage());
    }
    synchronized (changing) {
      Path removed = new GroupKeyFiles(directory()).remove(group, fingerprint);
      Map<String, Object> data =
          applied("group-remove-key", running.current(), by, List.of("groups/" + group));
      data.put("removed", removed.toString());
      return data;
    }
  }

  /** Loads the would-be configuration, refusing the change whole if any of it is invalid. */
  private Config loadChecked(Map<Path, byte[]> pending, String action) {
    try {
      return running.load(pending);
    } catch (InvalidConfigException invalid) {
      throw new ControlException(
          invalid.code(), action + " refused, nothing changed: " + invalid.getMessage());
    }
  }

  private Map<String, Object> applied(
      String action, Config next, String by, List<String> alsoChanged) {
    List<String> keys = running.replace(next, by, alsoChanged);
    List<String> restart =
        keys.stream().filter(k -> RESTART_PREFIXES.stream().anyMatch(k::startsWith)).toList();
    journal.append(
        JournalEvent.unsequenced(
            "org.weverywhere.config.changed",
            action,
            JsonNodeFactory.instance
                .objectNode()
                .put("by", by)
                .put("action", action)
                .<ObjectNode>set("keys", array(keys))
                .set("restart", array(restart))));
    LOG.info(
        () ->
            "configuration "
                + action
                + " by "
                + by
                + ": "
                + (keys.isEmpty() ? "no change" : keys)
                + (restart.isEmpty() ? "" : "; after a restart: " + restart));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", keys);
    data.put("restart", restart);
    data.put("configuration", next.location());
    return data;
  }

  private static ArrayNode array(List<String> items) {
    var array = JsonNodeFactory.instance.arrayNode();
    items.forEach(array::add);
    return array;
  }

  private Path directory() {
    return running
        .directory()
        .orElseThrow(
            () ->
                new ControlException(
                    ErrorCode.CONTROL_NOT_PERSISTENT,
                    "the daemon runs on the embedded sample configuration, so a change could not survive a restart; "
                        + "write it out with `weverywhere config extract --to DIR` and start the daemon with WEVERYWHERE_CONFIG_DIR=DIR"));
  }

  /**
   * Keys that name a path the daemon creates, writes or deletes files in (the control socket, the
   * state, the journal, the libraries), and the control socket's access: a daemon running as root
   * acts on them with root's rights, so whoever sets them must already have those rights (issue 13:
   * a control-group member or a network key with {@code control} could name a file for a root
   * daemon to delete).
   */
  static boolean needsRoot(String key) {
    return key.startsWith("control.")
        || ConfigKeys.resolve(key).map(r -> r.key().type() == ConfigValueType.PATH).orElse(false);
  }

  private static void refuseUnlessRoot(String key, boolean localRoot) {
    if (!localRoot && needsRoot(key)) {
      throw new ControlException(
          ErrorCode.CONTROL_NEEDS_ROOT,
          "'"
              + key
              + "' names a path the daemon writes (or who"
              + " may control it): only root on the control socket may change it; edit the configuration files as root,"
              + " or ask as root with `weverywhere ctl`");
    }
  }

  private static void checkKey(String key) {
    if (!KEY.matcher(key).matches()) {
      throw ControlArguments.bad(
          "'" + key + "' is not a configuration key (dotted words of letters, digits, '-', '_')");
    }
  }
}
