package org.weverywhere.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigEntry;
import org.weverywhere.config.ConfigKeys;
import org.weverywhere.config.DurationFormat;
import org.weverywhere.config.InvalidConfigException;
import org.weverywhere.daemon.HostIdentity;
import org.weverywhere.daemon.Intake;
import org.weverywhere.daemon.RunningConfig;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.events.JournalException;
import org.weverywhere.events.JournalReader;
import org.weverywhere.exec.QuotaLedger;
import org.weverywhere.protocol.Message;
import org.weverywhere.store.Library;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.store.StoreException;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.SignatureGroups;

/**
 * The control actions, the same whether they arrive on the control socket or, signed by a key
 * with the {@code control} privilege, over the network: each takes a {@link Message.Control} and
 * answers a {@link Message.Report} or an {@link Message.ErrorReply}. A change is checked whole
 * before anything is written or applied, so an invalid one leaves the running daemon as it was;
 * changes are applied one at a time, and each is journaled with who asked.
 */
@ApplicationScoped
public class ControlActions {
  private static final Logger LOG = Logger.getLogger(ControlActions.class.getName());
  /** The actions this daemon performs, in the order of docs/PROTOCOL.md. */
  public static final List<String> ACTIONS = List.of("status", "reload", "set", "unset", "group-add-key",
      "group-remove-key", "publish", "unpublish", "drain", "resume", "events");
  /** One batch of events in a report: well under the bulk channel's limit of 4096 entries. */
  static final int EVENTS_BATCH_MAX = 1000;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  /** Keys read once at start (sockets, paths, the engine): a change to them waits for a restart. */
  private static final List<String> RESTART_PREFIXES = List.of("node.", "state.", "network.", "peers.",
      "http.", "protocol.", "control.", "events.", "executor.engine", "executor.module-cache.",
      "executor.queue.", "libraries.max-module-size");

  private RunningConfig running;
  private Intake intake;
  private EventJournal journal;
  private LibraryStore libraries;
  private QuotaLedger quotas;
  private TrafficLedger traffic;
  private HostIdentity identity;
  private final Object changing = new Object();

  /** For CDI's client proxy only. */
  protected ControlActions() {}

  @Inject
  public ControlActions(RunningConfig running, Intake intake, EventJournal journal, LibraryStore libraries,
      QuotaLedger quotas, TrafficLedger traffic, HostIdentity identity) {
    this.running = running;
    this.intake = intake;
    this.journal = journal;
    this.libraries = libraries;
    this.quotas = quotas;
    this.traffic = traffic;
    this.identity = identity;
  }

  /** Performs {@code control} for {@code by} (who asked, as the journal names them). */
  public Message perform(Message.Control control, String by) {
    try {
      Map<String, String> args = control.arguments();
      Map<String, Object> data = switch (control.action()) {
        case "status" -> status();
        case "reload" -> reload(by);
        case "set" -> set(args, by);
        case "unset" -> unset(args, by);
        case "group-add-key" -> addKey(args, by);
        case "group-remove-key" -> removeKey(args, by);
        case "publish" -> publish(control.module(), by);
        case "unpublish" -> unpublish(args, by);
        case "drain" -> drain(args, by);
        case "resume" -> resume(by);
        case "events" -> events(args);
        default -> throw new ControlException(ErrorCode.PROTOCOL_UNSUPPORTED_ACTION, "unknown control action '"
            + control.action() + "'; this daemon performs " + String.join(", ", ACTIONS));
      };
      return new Message.Report(control.action(), data);
    } catch (ControlException | StoreException | JournalException refused) {
      return error(refused.code(), refused.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(ErrorCode.CONTROL_BAD_REQUEST, control.action() + " was interrupted");
    } catch (RuntimeException failed) {
      LOG.warning(() -> "control " + control.action() + " failed: " + failed);
      return error(ErrorCode.IO_UNWRITABLE, control.action() + " failed: " + failed.getMessage());
    }
  }

  static Message.ErrorReply error(ErrorCode code, String message) {
    return new Message.ErrorReply(code.code(), message, Optional.empty());
  }

  // ---- reading ----

  private Map<String, Object> status() {
    Config config = running.current();
    Map<String, Object> data = new LinkedHashMap<>();
    var runtime = ManagementFactory.getRuntimeMXBean();
    data.put("node", identity.nodeId().toString());
    data.put("started", Instant.ofEpochMilli(runtime.getStartTime()).toString());
    data.put("uptime-ms", runtime.getUptime());
    // CBOR here carries no floats: the load average travels as text, as /proc/loadavg writes it
    data.put("load", String.format(java.util.Locale.ROOT, "%.2f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    data.put("configuration", config.location());
    data.put("draining", intake.draining());
    data.put("in-flight", (long) intake.inFlight());
    data.put("libraries", (long) libraries.list().size());
    data.put("journal-next", journal.nextSequence());
    var host = config.hostQuota();
    QuotaLedger.Held held = quotas.held(null);
    data.put("host", usage(held, (long) host.cores().count(), host.memory().bytes(), traffic.hostUsedThisPeriod(),
        host.networkPeriodBytes().bytes()));
    Map<String, Object> groups = new LinkedHashMap<>();
    // the groups the configuration names, then those that only have keys on disk
    var names = new java.util.LinkedHashSet<>(config.groups());
    running.directory().ifPresent(dir -> SignatureGroups.load(dir).groups().forEach(g -> names.add(g.name())));
    for (String group : names) {
      var quota = quotas.quota(group);
      var settings = config.group(group);
      Map<String, Object> usage = usage(quotas.held(group), quota == null ? 0 : quota.cores(),
          quota == null ? 0 : quota.memoryTotal(), traffic.usedThisPeriod(group),
          settings.quota().networkPeriodBytes().map(b -> b.bytes()).orElse(0L));
      usage.put("privileges", settings.privileges().stream().map(p -> p.name().toLowerCase(java.util.Locale.ROOT))
          .sorted().toList());
      groups.put(group, usage);
    }
    data.put("groups", groups);
    return data;
  }

  private static Map<String, Object> usage(QuotaLedger.Held held, long cores, long memory, long trafficUsed,
      long trafficLimit) {
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("slots", (long) held.slots());
    usage.put("cores", cores);
    usage.put("memory-bytes", held.memoryBytes());
    usage.put("memory-limit", memory);
    usage.put("traffic-period-bytes", trafficUsed);
    usage.put("traffic-period-limit", trafficLimit); // 0: no limit
    return usage;
  }

  /**
   * Up to {@code limit} journal events from {@code since} (default: the oldest kept), without
   * waiting; {@code next} is where to ask from next time.
   */
  private Map<String, Object> events(Map<String, String> args) {
    long since = number(args, "since", journal.earliestSequence(), 1, Long.MAX_VALUE);
    int limit = (int) number(args, "limit", 256, 1, EVENTS_BATCH_MAX);
    try (JournalReader reader = journal.read(since)) {
      return eventBatch(reader, limit, Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlException(ErrorCode.JOURNAL_IO, "interrupted while reading the journal");
    }
  }

  /** Up to {@code limit} events from {@code reader}, waiting up to {@code wait} for the first. */
  Map<String, Object> eventBatch(JournalReader reader, int limit, Duration wait) throws InterruptedException {
    List<Object> lines = new ArrayList<>();
    Optional<JournalEvent> event = reader.next(wait);
    while (event.isPresent()) {
      lines.add(journal.json(event.get()));
      if (lines.size() == limit) {
        break;
      }
      event = reader.next(Duration.ZERO);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("events", lines);
    data.put("next", reader.position());
    return data;
  }

  JournalReader follow(long since) {
    return journal.read(since);
  }

  long nextSequence() {
    return journal.nextSequence();
  }

  // ---- changing the configuration ----

  private Map<String, Object> reload(String by) {
    synchronized (changing) {
      Config next = loadChecked(Map.of(), "reload");
      next.optional(ConfigKeys.LIBRARIES_DIR).ifPresent(dir -> libraries.publishDirectory(dir)
          .forEach(problem -> LOG.warning("libraries.dir: " + problem.getMessage())));
      return applied("reload", next, by, List.of());
    }
  }

  private Map<String, Object> set(Map<String, String> args, String by) {
    if (args.isEmpty()) {
      throw bad("set needs at least one KEY=VALUE");
    }
    args.forEach((key, value) -> {
      checkKey(key);
      if (value.isBlank() || value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
        throw bad("the value of '" + key + "' must be one line of text, not empty (to go back to the default: unset)");
      }
    });
    return changeDropIn("set", new LinkedHashMap<>(args), by);
  }

  private Map<String, Object> unset(Map<String, String> args, String by) {
    if (args.isEmpty()) {
      throw bad("unset needs at least one KEY");
    }
    args.keySet().forEach(ControlActions::checkKey);
    Path dir = directory();
    Map<String, String> inDropIn = new ControlDropIn(dir).settings();
    Map<String, String> changes = new LinkedHashMap<>();
    for (String key : args.keySet()) {
      if (!inDropIn.containsKey(key)) {
        throw bad("'" + key + "' was not set by control" + origin(key)
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
        .findFirst().orElse("");
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

  private Map<String, Object> addKey(Map<String, String> args, String by) {
    String group = required(args, "group");
    byte[] pem = required(args, "key").getBytes(StandardCharsets.UTF_8);
    synchronized (changing) {
      Fingerprint added = new GroupKeyFiles(directory()).add(group, pem);
      Map<String, Object> data = applied("group-add-key", running.current(), by, List.of("groups/" + group));
      data.put("fingerprint", added.toString());
      return data;
    }
  }

  private Map<String, Object> removeKey(Map<String, String> args, String by) {
    String group = required(args, "group");
    Fingerprint fingerprint;
    try {
      fingerprint = Fingerprint.parse(required(args, "fingerprint"));
    } catch (RuntimeException bad) {
      throw bad("fingerprint: " + bad.getMessage());
    }
    synchronized (changing) {
      Path removed = new GroupKeyFiles(directory()).remove(group, fingerprint);
      Map<String, Object> data = applied("group-remove-key", running.current(), by, List.of("groups/" + group));
      data.put("removed", removed.toString());
      return data;
    }
  }

  /** Loads the would-be configuration, refusing the change whole if any of it is invalid. */
  private Config loadChecked(Map<Path, byte[]> pending, String action) {
    try {
      return running.load(pending);
    } catch (InvalidConfigException invalid) {
      throw new ControlException(invalid.code(), action + " refused, nothing changed: " + invalid.getMessage());
    }
  }

  private Map<String, Object> applied(String action, Config next, String by, List<String> alsoChanged) {
    List<String> keys = running.replace(next, by, alsoChanged);
    List<String> restart = keys.stream().filter(k -> RESTART_PREFIXES.stream().anyMatch(k::startsWith)).toList();
    journal.append(JournalEvent.unsequenced("org.weverywhere.config.changed", action,
        JsonNodeFactory.instance.objectNode().put("by", by).put("action", action)
            .<com.fasterxml.jackson.databind.node.ObjectNode>set("keys", array(keys))
            .set("restart", array(restart))));
    LOG.info(() -> "configuration " + action + " by " + by + ": " + (keys.isEmpty() ? "no change" : keys)
        + (restart.isEmpty() ? "" : "; after a restart: " + restart));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", keys);
    data.put("restart", restart);
    data.put("configuration", next.location());
    return data;
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode array(List<String> items) {
    var array = JsonNodeFactory.instance.arrayNode();
    items.forEach(array::add);
    return array;
  }

  private Path directory() {
    return running.directory().orElseThrow(() -> new ControlException(ErrorCode.CONTROL_NOT_PERSISTENT,
        "the daemon runs on the embedded sample configuration, so a change could not survive a restart; "
            + "write it out with `weverywhere config extract --to DIR` and start the daemon with WEVERYWHERE_CONFIG_DIR=DIR"));
  }

  // ---- libraries ----

  private Map<String, Object> publish(Optional<byte[]> module, String by) {
    byte[] bytes = module.orElseThrow(() -> bad("publish needs the module's bytes"));
    Library library = libraries.publish(bytes);
    journal.append(JournalEvent.unsequenced("org.weverywhere.library.published", library.sha256(),
        JsonNodeFactory.instance.objectNode().put("by", by).put("library", library.label()).put("size", library.size())));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("library", library.label());
    data.put("sha256", library.sha256());
    data.put("size", library.size());
    return data;
  }

  private Map<String, Object> unpublish(Map<String, String> args, String by) {
    Library library = libraries.find(required(args, "library"));
    libraries.remove(library.sha256());
    journal.append(JournalEvent.unsequenced("org.weverywhere.library.removed", library.sha256(),
        JsonNodeFactory.instance.objectNode().put("by", by).put("library", library.label())));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("library", library.label());
    data.put("sha256", library.sha256());
    return data;
  }

  // ---- draining ----

  private Map<String, Object> drain(Map<String, String> args, String by) throws InterruptedException {
    Duration timeout = Duration.ofSeconds(number(args, "timeout-s", 60, 0, 86_400));
    journal.append(JournalEvent.unsequenced("org.weverywhere.daemon.draining", null,
        JsonNodeFactory.instance.objectNode().put("by", by)));
    int left = intake.drain(timeout);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("drained", left == 0);
    data.put("in-flight", (long) left);
    data.put("waited", DurationFormat.format(timeout));
    return data;
  }

  private Map<String, Object> resume(String by) {
    intake.resume();
    journal.append(JournalEvent.unsequenced("org.weverywhere.daemon.resumed", null,
        JsonNodeFactory.instance.objectNode().put("by", by)));
    return new LinkedHashMap<>(Map.of("draining", false));
  }

  // ---- arguments ----

  private static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null || value.isBlank()) {
      throw bad("missing argument '" + name + "'");
    }
    return value;
  }

  private static long number(Map<String, String> args, String name, long fallback, long min, long max) {
    String text = args.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(text.strip());
      if (n < min || n > max) {
        throw bad("'" + name + "' must be between " + min + " and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad("'" + name + "' must be a whole number, not '" + text + "'");
    }
  }

  private static void checkKey(String key) {
    if (!KEY.matcher(key).matches()) {
      throw bad("'" + key + "' is not a configuration key (dotted words of letters, digits, '-', '_')");
    }
  }

  private static ControlException bad(String message) {
    return new ControlException(ErrorCode.CONTROL_BAD_REQUEST, message);
  }
}
