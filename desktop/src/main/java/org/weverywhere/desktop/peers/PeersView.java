package org.weverywhere.desktop.peers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** The Peers screen: a live table of daemons; it only binds to {@link PeersModel}. */
public final class PeersView extends BorderPane {
  private final Timeline ticker;

  public PeersView(PeersModel model, Clock clock) {
    setId("peers");
    TableView<PeerRow> table = new TableView<>(model.peers());
    table.setId("peerTable");
    table.setPlaceholder(
        new Label("No daemon heard yet. Press Discover (Ctrl+D), or wait for announcements."));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.getColumns().add(column("Name", PeerRow::name));
    table.getColumns().add(column("Node id", p -> p.node().shortForm()));
    table.getColumns().add(column("Addresses", PeerRow::addressText));
    table.getColumns().add(column("Protocol", p -> "v" + p.protocolVersion()));
    table.getColumns().add(column("Libraries", p -> String.valueOf(p.libraries().size())));
    table.getColumns().add(column("Services", p -> String.valueOf(p.services().size())));
    table.getColumns().add(column("Last seen", p -> ago(p.lastSeen(), clock.instant())));
    table
        .getColumns()
        .add(column("Round trip", p -> p.roundTrip().map(d -> millis(d)).orElse("—")));
    table.setRowFactory(
        t ->
            new TableRow<>() {
              @Override
              protected void updateItem(PeerRow peer, boolean empty) {
                super.updateItem(peer, empty);
                // a fading peer is still listed, dimmed, so a user sees it went rather than that it
                // vanished
                setOpacity(peer != null && peer.isFading() ? 0.4 : 1.0);
                setTooltip(
                    peer == null
                        ? null
                        : new Tooltip(
                            peer.node()
                                + "\nlibraries: "
                                + String.join(", ", peer.libraries())
                                + "\nservices: "
                                + String.join(", ", peer.services())
                                + (peer.isFading() ? "\ngone (bye or silent)" : "")));
              }
            });

    Button discover = new Button("_Discover");
    discover.setId("discoverButton");
    discover.setMnemonicParsing(true);
    discover.disableProperty().bind(model.discoveringProperty());
    discover.setOnAction(e -> model.discover());
    ProgressIndicator busy = new ProgressIndicator();
    busy.setPrefSize(18, 18);
    busy.visibleProperty().bind(model.discoveringProperty());
    Label status = new Label();
    status.setId("peersStatus");
    status.textProperty().bind(model.statusProperty());
    Label listening = new Label();
    listening.setId("listeningState");
    listening.textProperty().bind(model.listeningTextProperty());
    Region grow = new Region();
    HBox.setHgrow(grow, Priority.ALWAYS);
    HBox bar = new HBox(8, discover, busy, status, grow, listening);
    bar.setPadding(new Insets(8));
    bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    setTop(bar);
    setCenter(table);

    // "last seen" ages and silent peers fade even when nothing arrives
    ticker =
        new Timeline(
            new KeyFrame(
                javafx.util.Duration.seconds(1),
                e -> {
                  model.tick();
                  table.refresh();
                }));
    ticker.setCycleCount(Timeline.INDEFINITE);
    ticker.play();
  }

  /** Stops the once-a-second refresh. */
  public void stop() {
    ticker.stop();
  }

  private static TableColumn<PeerRow, String> column(String title, Function<PeerRow, String> text) {
    TableColumn<PeerRow, String> column = new TableColumn<>(title);
    column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(text.apply(cell.getValue())));
    return column;
  }

  static String ago(Instant then, Instant now) {
    long seconds = Math.max(0, Duration.between(then, now).toSeconds());
    return seconds < 60 ? seconds + " s ago" : seconds / 60 + " min ago";
  }

  static String millis(Duration d) {
    return d.toNanos() < 10_000_000
        ? String.format("%.1f ms", d.toNanos() / 1e6)
        : d.toMillis() + " ms";
  }
}
