package org.weverywhere.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.DurationFormat;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.events.JournalException;
import org.weverywhere.events.JournalReader;
import org.weverywhere.exec.QuotaLedger;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.Intake;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.protocol.Message;
import org.weverywhere.service.ServiceException;
import org.weverywhere.service.Services;
import org.weverywhere.store.Library;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.store.StoreException;
import org.weverywhere.traffic.TrafficLedger;

/**
 * The control actions, the same whether they arrive on the control socket or, signed by a key with
 * the {@code control} privilege, over the network: each takes a {@link Message.Control} and answers
 * a {@link Message.Report} or an {@link Message.ErrorReply}. A change is checked whole before
 * anything is written or applied, so an invalid one leaves the running daemon as it was; changes
 * are applied one at a time, and each is journaled with who asked.
 */
@ApplicationScoped
public class ControlActions {
  private static final Logger LOG = Logger.getLogger(ControlActions.class.getName());

  /** The actions this daemon performs, in the order of docs/PROTOCOL.md. */
  public static final List<String> ACTIONS =
      List.of(
          "status",
          "reload",
          "set",
          "unset",
          "group-add-key",
          "group-remove-key",
          "publish",
          "unpublish",
          "service-start",
          "service-stop",
          "drain",
          "resume",
          "events");

  /** One batch of events in a report: well under the bulk channel's limit of 4096 entries. */
  static final int EVENTS_BATCH_MAX = 1000;

  private Intake intake;
  private EventJournal journal;
  private LibraryStore libraries;
  private Services services;
  private StatusReport status;
  private ConfigEdits edits;

  /** For CDI's client proxy only. */
  protected ControlActions() {}

  @Inject
  public ControlActions(
      RunningConfig running,
      Intake intake,
      EventJournal journal,
      LibraryStore libraries,
      QuotaLedger quotas,
      TrafficLedger traffic,
      HostIdentity identity,
      Services services) {
    this.intake = intake;
    this.journal = journal;
    this.libraries = libraries;
    this.services = services;
    this.status =
        new StatusReport(running, intake, journal, libraries, quotas, traffic, identity, services);
    this.edits = new ConfigEdits(running, journal, libraries);
  }

  /**
   * Performs {@code control} for {@code by} (who asked, as the journal names them), who is not
   * local root.
   */
  public Message perform(Message.Control control, String by) {
    return perform(control, by, false);
  }

  /**
   * Performs {@code control} for {@code by}; {@code localRoot} when root asks on the control
   * socket, the only asker who may change keys that name paths the daemon writes
   * (ConfigEdits.needsRoot).
   */
  public Message perform(Message.Control control, String by, boolean localRoot) {
    try {
      var args = new ControlArguments(control.arguments());
      Map<String, Object> data =
          switch (control.action()) {
            case "status" -> status.status();
            case "reload" -> edits.reload(by);
            case "set" -> edits.set(args.values(), by, localRoot);
            case "unset" -> edits.unset(args.values(), by, localRoot);
            case "group-add-key" -> edits.addKey(args, by);
            case "group-remove-key" -> edits.removeKey(args, by);
            case "publish" -> publish(control.module(), by);
            case "unpublish" -> unpublish(args, by);
            // the service journals its own start and stop, naming who asked
            case "service-start" ->
                StatusReport.service(services.start(args.required("service"), by));
            case "service-stop" ->
                StatusReport.service(services.stop(args.required("service"), by));
            case "drain" -> drain(args, by);
            case "resume" -> resume(by);
            case "events" -> events(args);
            default ->
                throw new ControlException(
                    ErrorCode.PROTOCOL_UNSUPPORTED_ACTION,
                    "unknown control action '"
                        + control.action()
                        + "'; this daemon performs "
                        + String.join(", ", ACTIONS));
          };
      return new Message.Report(control.action(), data);
    } catch (ControlException | StoreException | JournalException | ServiceException refused) {
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

  // ---- the event journal ----

  /**
   * Up to {@code limit} journal events from {@code since} (default: the oldest kept), without
   * waiting; {@code next} is where to ask from next time.
   */
  private Map<String, Object> events(ControlArguments args) {
    long since = args.number("since", journal.earliestSequence(), 1, Long.MAX_VALUE);
    int limit = (int) args.number("limit", 256, 1, EVENTS_BATCH_MAX);
    try (JournalReader reader = journal.read(since)) {
      return eventBatch(reader, limit, Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlException(ErrorCode.JOURNAL_IO, "interrupted while reading the journal");
    }
  }

  /** Up to {@code limit} events from {@code reader}, waiting up to {@code wait} for the first. */
  Map<String, Object> eventBatch(JournalReader reader, int limit, Duration wait)
      throws InterruptedException {
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

  // ---- libraries ----

  private Map<String, Object> publish(Optional<byte[]> module, String by) {
    byte[] bytes =
        module.orElseThrow(() -> ControlArguments.bad("publish needs the module's bytes"));
    Library library = libraries.publish(bytes);
    journal.append(
        JournalEvent.unsequenced(
            "org.weverywhere.library.published",
            library.sha256(),
            JsonNodeFactory.instance
                .objectNode()
                .put("by", by)
                .put("library", library.label())
                .put("size", library.size())));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("library", library.label());
    data.put("sha256", library.sha256());
    data.put("size", library.size());
    return data;
  }

  private Map<String, Object> unpublish(ControlArguments args, String by) {
    Library library = libraries.find(args.required("library"));
    libraries.remove(library.sha256());
    journal.append(
        JournalEvent.unsequenced(
            "org.weverywhere.library.removed",
            library.sha256(),
            JsonNodeFactory.instance.objectNode().put("by", by).put("library", library.label())));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("library", library.label());
    data.put("sha256", library.sha256());
    return data;
  }

  // ---- draining ----

  private Map<String, Object> drain(ControlArguments args, String by) throws InterruptedException {
    Duration timeout = Duration.ofSeconds(args.number("timeout-s", 60, 0, 86_400));
    journal.append(
        JournalEvent.unsequenced(
            "org.weverywhere.daemon.draining",
            null,
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
    journal.append(
        JournalEvent.unsequenced(
            "org.weverywhere.daemon.resumed",
            null,
            JsonNodeFactory.instance.objectNode().put("by", by)));
    return new LinkedHashMap<>(Map.of("draining", false));
  }
}
