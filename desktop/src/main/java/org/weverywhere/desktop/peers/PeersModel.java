package org.weverywhere.desktop.peers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.client.PeerListener;
import org.weverywhere.desktop.client.Sighting;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.net.Discovery;
import org.weverywhere.trust.Fingerprint;

/**
 * The Peers screen's state: the daemons heard so far, fed by passive listening and by discover
 * rounds. A node that says {@code bye}, or is not heard for {@code silence}, fades for {@code fade}
 * and is then removed. All state changes happen on the {@code ui} executor (the FX thread in the
 * explorer); network calls run on {@code background}.
 */
public final class PeersModel {
  /** How long one discover round waits for answers. */
  public static final Duration DISCOVER_WAIT = Duration.ofSeconds(2);

  private final NetworkClient client;
  private final EventBus bus;
  private final Executor background;
  private final Executor ui;
  private final Clock clock;
  private final Duration silence;
  private final Duration fade;
  private final ObservableList<PeerRow> peers = FXCollections.observableArrayList();
  private final ObservableList<PeerRow> peersView = FXCollections.unmodifiableObservableList(peers);
  private final ReadOnlyBooleanWrapper discovering =
      new ReadOnlyBooleanWrapper(this, "discovering");
  private final ReadOnlyBooleanWrapper listening = new ReadOnlyBooleanWrapper(this, "listening");
  private final ReadOnlyStringWrapper listeningText =
      new ReadOnlyStringWrapper(this, "listeningText", "not listening");
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
  private final AtomicInteger rejected = new AtomicInteger();
  private Discovery.Listening listener;

  public PeersModel(
      NetworkClient client,
      EventBus bus,
      Executor background,
      Executor ui,
      Clock clock,
      Duration silence,
      Duration fade) {
    this.client = Objects.requireNonNull(client);
    this.bus = Objects.requireNonNull(bus);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    this.clock = Objects.requireNonNull(clock);
    this.silence = Objects.requireNonNull(silence);
    this.fade = Objects.requireNonNull(fade);
  }

  /** The peers, live ones and fading ones, in the order first heard. */
  public ObservableList<PeerRow> peers() {
    return peersView;
  }

  public ReadOnlyBooleanProperty discoveringProperty() {
    return discovering.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty listeningProperty() {
    return listening.getReadOnlyProperty();
  }

  /**
   * Whether and where announcements are heard, e.g. "listening for announcements (not on ff02::5745
   * ...)".
   */
  public ReadOnlyStringProperty listeningTextProperty() {
    return listeningText.getReadOnlyProperty();
  }

  /** One line about the last thing that happened, e.g. "2 nodes answered". */
  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** Starts hearing announcements; a failure to bind (port taken...) is shown in the status. */
  public void startListening() {
    if (listener != null) {
      return;
    }
    try {
      listener =
          client.listen(
              new PeerListener() {
                @Override
                public void announced(Sighting sighting) {
                  ui.execute(() -> heard(sighting));
                }

                @Override
                public void gone(Fingerprint node) {
                  ui.execute(() -> said(node));
                }

                @Override
                public void rejected(String reason) {
                  int count = rejected.incrementAndGet();
                  ui.execute(
                      () ->
                          status.set(
                              "refused " + count + " unverifiable datagram(s); last: " + reason));
                }
              });
      listening.set(true);
      listeningText.set(
          "listening for announcements"
              + (listener.unheard().isEmpty()
                  ? ""
                  : " (not on " + String.join("; ", listener.unheard()) + ")"));
    } catch (WeverywhereException cannot) {
      listeningText.set("not listening: " + cannot.getMessage());
      status.set("not listening: " + cannot.getMessage());
    }
  }

  /** Stops listening (the window closes). */
  public void stopListening() {
    if (listener == null) {
      return;
    }
    listener.close();
    listener = null;
    listening.set(false);
    listeningText.set("not listening");
  }

  /** Sends one discover; answers appear as they arrive; the status says how many answered. */
  public void discover() {
    if (discovering.get()) {
      return;
    }
    discovering.set(true);
    status.set("discovering…");
    AtomicInteger answered = new AtomicInteger();
    background.execute(
        () -> {
          String outcome;
          try {
            List<String> unsent =
                client.discover(
                    DISCOVER_WAIT,
                    s -> {
                      answered.incrementAndGet();
                      ui.execute(() -> heard(s));
                    });
            outcome =
                answered.get()
                    + (answered.get() == 1 ? " node answered" : " nodes answered")
                    + (unsent.isEmpty() || answered.get() > 0
                        ? ""
                        : "; not sent to: " + String.join("; ", unsent));
          } catch (WeverywhereException failed) {
            outcome = "discovery failed: " + failed.getMessage();
          }
          String shown = outcome;
          ui.execute(
              () -> {
                status.set(shown);
                discovering.set(false);
              });
        });
  }

  /**
   * Marks silent peers as fading and removes those that faded long enough; the view calls it every
   * second.
   */
  public void tick() {
    Instant now = clock.instant();
    boolean changed =
        peers.removeIf(p -> p.fadingSince().map(t -> !now.isBefore(t.plus(fade))).orElse(false));
    for (int i = 0; i < peers.size(); i++) {
      PeerRow p = peers.get(i);
      if (!p.isFading() && !now.isBefore(p.lastSeen().plus(silence))) {
        peers.set(i, p.fading(now));
        changed = true;
      }
    }
    if (changed) {
      announceChoices();
    }
  }

  void heard(Sighting sighting) {
    Optional<Integer> at = indexOf(sighting.node());
    if (at.isPresent()) {
      peers.set(at.get(), peers.get(at.get()).seenAgain(sighting));
    } else {
      peers.add(PeerRow.first(sighting));
    }
    announceChoices();
  }

  void said(Fingerprint bye) {
    indexOf(bye)
        .ifPresent(
            i -> {
              peers.set(i, peers.get(i).fading(clock.instant()));
              status.set(peers.get(i).name() + " said bye");
              announceChoices();
            });
  }

  private Optional<Integer> indexOf(Fingerprint node) {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).node().equals(node)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  private void announceChoices() {
    bus.publish(
        new ExplorerEvent.PeersChanged(
            peers.stream()
                .filter(p -> !p.isFading())
                .map(p -> new ExplorerEvent.PeerChoice(p.name(), p.address()))
                .toList()));
  }
}
