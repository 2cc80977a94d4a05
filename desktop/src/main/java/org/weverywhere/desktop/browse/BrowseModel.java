package org.weverywhere.desktop.browse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.client.RemoteFunction;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.desktop.events.ExplorerEvent.PeerChoice;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.Fingerprint;

/**
 * The Browse screen's state: each live peer with what its {@code describe} answered (libraries,
 * their exported functions, services), filtered by the search box. Describing runs on {@code
 * background}; an answer or a refusal lands on {@code ui}.
 */
public final class BrowseModel {
  private final NetworkClient client;
  private final EventBus bus;
  private final Executor background;
  private final Executor ui;
  private final Map<Fingerprint, PeerChoice> peers = new LinkedHashMap<>();
  private final Map<Fingerprint, Message.Description> described = new LinkedHashMap<>();
  private final Map<Fingerprint, String> states = new LinkedHashMap<>();
  private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
  private final ObservableList<Offer.Tree> tree = FXCollections.observableArrayList();
  // made once: an unmodifiable wrapper listens to its source weakly, so a listener added to a fresh
  // wrapper per call went quiet once that wrapper was collected (the Browse tree stopped updating)
  private final ObservableList<Offer.Tree> treeView =
      FXCollections.unmodifiableObservableList(tree);
  private final ReadOnlyObjectWrapper<Offer> selected =
      new ReadOnlyObjectWrapper<>(this, "selected");
  private final ReadOnlyIntegerWrapper describing = new ReadOnlyIntegerWrapper(this, "describing");

  public BrowseModel(NetworkClient client, EventBus bus, Executor background, Executor ui) {
    this.client = Objects.requireNonNull(client);
    this.bus = Objects.requireNonNull(bus);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    bus.subscribe(
        ExplorerEvent.PeersChanged.class,
        changed -> {
          List<PeerChoice> appeared =
              changed.peers().stream().filter(p -> !peers.containsKey(p.address().node())).toList();
          peers.clear();
          changed.peers().forEach(p -> peers.put(p.address().node(), p));
          described.keySet().retainAll(peers.keySet());
          states.keySet().retainAll(peers.keySet());
          rebuild();
          // a newcomer is described once on its own, so its libraries are there to browse and to
          // submit to
          appeared.forEach(this::describe);
        });
    bus.subscribe(
        ExplorerEvent.PeerDescribed.class,
        answer -> {
          Fingerprint node = answer.peer().address().node();
          if (peers.containsKey(node)) {
            described.put(node, answer.description());
            states.put(node, "");
            rebuild();
          }
        });
    filter.addListener((o, old, now) -> rebuild());
  }

  /** One tree per live peer, filtered. */
  public ObservableList<Offer.Tree> tree() {
    return treeView;
  }

  /** The search box: what the user typed (the input itself, so writable). */
  public StringProperty filterProperty() {
    return filter;
  }

  public ReadOnlyObjectProperty<Offer> selectedProperty() {
    return selected.getReadOnlyProperty();
  }

  /** How many describes are on their way; the view shows progress while it is above zero. */
  public ReadOnlyIntegerProperty describingProperty() {
    return describing.getReadOnlyProperty();
  }

  public void select(Offer offer) {
    selected.set(offer);
  }

  /** Asks every live peer what it offers. */
  public void describeAll() {
    List.copyOf(peers.values()).forEach(this::describe);
  }

  /** Asks one peer what it offers. */
  public void describe(PeerChoice peer) {
    Fingerprint node = peer.address().node();
    states.put(node, "describing…");
    rebuild();
    describing.set(describing.get() + 1);
    background.execute(
        () -> {
          try {
            Message.Description answer = client.describe(peer.address());
            ui.execute(
                () -> {
                  describing.set(describing.get() - 1);
                  bus.publish(new ExplorerEvent.PeerDescribed(peer, answer));
                });
          } catch (WeverywhereException failed) {
            String why =
                "not described: " + failed.getMessage() + " [" + failed.code().code() + "]";
            ui.execute(
                () -> {
                  describing.set(describing.get() - 1);
                  states.put(node, why);
                  rebuild();
                });
          }
        });
  }

  private void rebuild() {
    String query = filter.get().strip().toLowerCase(Locale.ROOT);
    List<Offer.Tree> trees = new ArrayList<>();
    for (PeerChoice peer : peers.values()) {
      Fingerprint node = peer.address().node();
      Offer.Peer top = new Offer.Peer(peer, states.getOrDefault(node, "not described yet"));
      List<Offer.Tree> children = new ArrayList<>();
      Message.Description d = described.get(node);
      if (d != null) {
        for (Message.Library library : d.libraries()) {
          Offer.Library lib = new Offer.Library(peer, library);
          List<Offer.Tree> functions =
              library.exports().stream()
                  .map(export -> new Offer.Function(peer, library, RemoteFunction.of(export)))
                  .filter(f -> query.isEmpty() || f.matches(query) || lib.matches(query))
                  .map(f -> new Offer.Tree(f, List.of()))
                  .toList();
          if (query.isEmpty() || lib.matches(query) || !functions.isEmpty()) {
            children.add(new Offer.Tree(lib, functions));
          }
        }
        for (Message.Service service : d.services()) {
          Offer.Service s = new Offer.Service(peer, service);
          if (query.isEmpty() || s.matches(query)) {
            children.add(new Offer.Tree(s, List.of()));
          }
        }
      }
      if (query.isEmpty() || top.matches(query) || !children.isEmpty()) {
        trees.add(new Offer.Tree(top, children));
      }
    }
    tree.setAll(trees);
  }
}
