package org.weverywhere.desktop.journal;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.weverywhere.net.DaemonEvent;

/**
 * The Events screen: a local daemon's event stream, filtered; it only binds to {@link EventsModel}.
 */
public final class EventsView extends BorderPane {
  public EventsView(EventsModel model) {
    setId("events");
    TableView<DaemonEvent> table = new TableView<>(model.shown());
    table.setId("eventTable");
    table.setPlaceholder(new Label("No events yet."));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.getColumns().add(column("Seq", 60, e -> Long.toString(e.sequence())));
    table.getColumns().add(column("Time (UTC)", 150, e -> shortTime(e.time())));
    table.getColumns().add(column("Kind", 140, DaemonEvent::kind));
    table
        .getColumns()
        .add(column("Requester", 150, e -> e.requester().isEmpty() ? "—" : e.requester()));
    table.getColumns().add(column("Group", 90, e -> e.group().isEmpty() ? "—" : e.group()));
    table.getColumns().add(column("Details", 420, DaemonEvent::detailText));
    // keep the newest in view while following, as a terminal's tail -f does
    model
        .shown()
        .addListener(
            (ListChangeListener<DaemonEvent>)
                change -> {
                  if (model.followingProperty().get() && !model.shown().isEmpty()) {
                    table.scrollTo(model.shown().size() - 1);
                  }
                });

    Button follow = new Button("_Follow");
    follow.setId("followButton");
    follow.setMnemonicParsing(true);
    follow.disableProperty().bind(model.followingProperty());
    follow.setOnAction(e -> model.follow());
    Button stop = new Button("S_top");
    stop.setId("stopButton");
    stop.setMnemonicParsing(true);
    stop.disableProperty().bind(model.followingProperty().not());
    stop.setOnAction(e -> model.stop());
    Label status = new Label();
    status.setId("eventsStatus");
    status.textProperty().bind(model.statusProperty());
    HBox actions = new HBox(8, follow, stop, status);

    HBox filters =
        new HBox(
            8,
            filter("requesterFilter", "Requester (fingerprint)", model.requesterFilterProperty()),
            filter("groupFilter", "Group", model.groupFilterProperty()),
            filter("kindFilter", "Kind (e.g. execution.finished)", model.kindFilterProperty()));
    VBox bar = new VBox(8, actions, filters);
    bar.setPadding(new Insets(8));
    setTop(bar);
    setCenter(table);
  }

  private static TextField filter(
      String id, String prompt, javafx.beans.property.StringProperty property) {
    TextField field = new TextField();
    field.setId(id);
    field.setPromptText(prompt);
    field.setPrefColumnCount(22);
    field.textProperty().bindBidirectional(property);
    return field;
  }

  /** {@code 2026-11-25 22:49:13}: the second is enough to read; the sequence number orders. */
  static String shortTime(String iso) {
    String text = iso.replace('T', ' ');
    return text.length() > 19 ? text.substring(0, 19) : text;
  }

  private static TableColumn<DaemonEvent, String> column(
      String title, double width, Function<DaemonEvent, String> text) {
    TableColumn<DaemonEvent, String> column = new TableColumn<>(title);
    column.setPrefWidth(width);
    column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(text.apply(cell.getValue())));
    return column;
  }
}
