package org.weverywhere.desktop.browse;

import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The Browse screen: peer → libraries → functions, and services, with a search box and a detail
 * pane.
 */
public final class BrowseView extends BorderPane {
  public BrowseView(BrowseModel model) {
    setId("browse");
    TreeItem<Offer> root = new TreeItem<>();
    TreeView<Offer> tree = new TreeView<>(root);
    tree.setId("offerTree");
    tree.setShowRoot(false);
    tree.setCellFactory(
        t ->
            new TreeCell<>() {
              @Override
              protected void updateItem(Offer offer, boolean empty) {
                super.updateItem(offer, empty);
                setText(empty || offer == null ? null : offer.label());
              }
            });
    model
        .tree()
        .addListener(
            (ListChangeListener<Offer.Tree>)
                change -> {
                  root.getChildren().setAll(model.tree().stream().map(BrowseView::item).toList());
                });
    tree.getSelectionModel()
        .selectedItemProperty()
        .addListener((o, old, now) -> model.select(now == null ? null : now.getValue()));

    TextArea detail = new TextArea();
    detail.setId("offerDetail");
    detail.setEditable(false);
    detail.setPromptText("Select a peer, library, function or service.");
    detail.textProperty().bind(model.selectedProperty().map(Offer::detail).orElse(""));

    TextField search = new TextField();
    search.setId("offerSearch");
    search.setPromptText("filter: library, function or service name");
    search.textProperty().bindBidirectional(model.filterProperty());
    HBox.setHgrow(search, Priority.ALWAYS);
    Button describe = new Button("Describe _all");
    describe.setId("describeAllButton");
    describe.setOnAction(e -> model.describeAll());
    ProgressIndicator busy = new ProgressIndicator();
    busy.setId("describing");
    busy.setPrefSize(18, 18);
    busy.visibleProperty().bind(model.describingProperty().greaterThan(0));
    Label searchLabel = new Label("_Search");
    searchLabel.setMnemonicParsing(true);
    searchLabel.setLabelFor(search); // Alt+S puts the cursor in the search box
    HBox bar = new HBox(8, describe, busy, searchLabel, search);
    bar.setPadding(new Insets(8));
    bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    setTop(bar);
    SplitPane split = new SplitPane(tree, detail);
    split.setDividerPositions(0.5);
    setCenter(split);
  }

  private static TreeItem<Offer> item(Offer.Tree tree) {
    TreeItem<Offer> item = new TreeItem<>(tree.offer());
    item.setExpanded(true);
    tree.children().forEach(c -> item.getChildren().add(item(c)));
    return item;
  }
}
