package org.weverywhere.desktop.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import org.weverywhere.net.DaemonEvent;

/**
 * The Events screen's state: a local daemon's event stream, followed through its control socket
 * (which only root, the daemon's user and its control group may open), kept to the last {@link
 * #KEPT} events and filtered by requester, group and kind. Following resumes after the last event
 * shown, so stopping and following again loses nothing the journal still keeps. State changes
 * happen on the {@code ui} executor; the socket is read on {@code background}.
 */
public final class EventsModel {
  /** Events kept on screen; older ones drop off the top (the journal keeps them all). */
  public static final int KEPT = 10_000;

  /** How far back the first Follow starts. */
  static final int FIRST_LOOK = 1_000;

  private static final String STOPPED =
      "Stopped. The daemon's journal keeps every event: Follow resumes where this stopped.";

  private final Supplier<Path> socket;
  private final Executor background;
  private final Executor ui;
  private final ObservableList<DaemonEvent> events = FXCollections.observableArrayList();
  private final FilteredList<DaemonEvent> shown = new FilteredList<>(events, e -> true);
  private final StringProperty requester = new SimpleStringProperty(this, "requester", "");
  private final StringProperty group = new SimpleStringProperty(this, "group", "");
  private final StringProperty kind = new SimpleStringProperty(this, "kind", "");
  private final ReadOnlyBooleanWrapper following = new ReadOnlyBooleanWrapper(this, "following");
  private final ReadOnlyStringWrapper status =
      new ReadOnlyStringWrapper(
          this, "status", "Not following. Press Follow to read the local daemon's events.");
  private final EventStream stream = new EventStream();
  private long next;

  /**
   * @param socket where the local daemon's control socket is (asked again at each Follow)
   */
  public EventsModel(Supplier<Path> socket, Executor background, Executor ui) {
    this.socket = Objects.requireNonNull(socket);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    requester.addListener((o, old, now) -> refilter());
    group.addListener((o, old, now) -> refilter());
    kind.addListener((o, old, now) -> refilter());
  }

  /** The events that pass the filters, oldest first. */
  public ObservableList<DaemonEvent> shown() {
    return shown;
  }

  public StringProperty requesterFilterProperty() {
    return requester;
  }

  public StringProperty groupFilterProperty() {
    return group;
  }

  public StringProperty kindFilterProperty() {
    return kind;
  }

  public ReadOnlyBooleanProperty followingProperty() {
    return following.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /**
   * Starts following from after the last event shown (the first time, from the last {@link
   * #FIRST_LOOK}).
   */
  public void follow() {
    if (following.get()) {
      return;
    }
    following.set(true);
    Path path = socket.get();
    long since = next;
    status.set("Connecting to " + path + " …");
    background.execute(() -> read(path, since));
  }

  /** Stops following; what is shown stays. */
  public void stop() {
    stream.stop();
  }

  private void read(Path path, long since) {
    String said =
        stream.read(
            path,
            client -> {
              long from = since > 0 ? since : EventStream.recent(client, FIRST_LOOK);
              ui.execute(() -> status.set("Following " + path + " from event " + from));
              return from;
            },
            batch -> ui.execute(() -> add(batch)),
            STOPPED);
    ui.execute(
        () -> {
          status.set(said);
          following.set(false);
        });
  }

  /** Adds a batch read from the daemon (on the ui executor), keeping the last {@link #KEPT}. */
  void add(List<DaemonEvent> batch) {
    events.addAll(batch);
    next = batch.getLast().sequence() + 1;
    if (events.size() > KEPT) {
      events.remove(0, events.size() - KEPT);
    }
  }

  private void refilter() {
    String r = requester.get().strip().toLowerCase(Locale.ROOT);
    String g = group.get().strip().toLowerCase(Locale.ROOT);
    String k = kind.get().strip().toLowerCase(Locale.ROOT);
    shown.setPredicate(
        e ->
            e.requester().toLowerCase(Locale.ROOT).contains(r)
                && e.group().toLowerCase(Locale.ROOT).contains(g)
                && e.kind().toLowerCase(Locale.ROOT).contains(k));
  }
}
