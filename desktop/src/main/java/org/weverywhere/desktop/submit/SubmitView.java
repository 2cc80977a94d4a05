package org.weverywhere.desktop.submit;

import atlantafx.base.theme.Styles;
import java.util.List;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.net.DirArgument;

/** The Submit screen: choose where and what, fill the typed form, send, read the outcome. */
public final class SubmitView extends BorderPane {
  private final SubmitModel model;
  private final GridPane arguments = new GridPane();

  public SubmitView(SubmitModel model) {
    this.model = model;
    setId("submit");

    ComboBox<ExplorerEvent.PeerChoice> peer = new ComboBox<>(model.peers());
    peer.setId("peerChoice");
    peer.setPromptText("any peer");
    peer.setButtonCell(new AnyCell());
    peer.valueProperty()
        .addListener(
            (o, old, now) -> {
              if (now != null) {
                model.choosePeer(now);
              } else if (model.peerProperty().get() != null) {
                // the peers' list was refreshed under the box, which cleared it; the user chose
                // nothing (there is no empty entry to choose), so the model's choice stands
                javafx.application.Platform.runLater(
                    () -> peer.setValue(model.peerProperty().get()));
              }
            });
    model.peerProperty().addListener((o, old, now) -> peer.setValue(now));

    ComboBox<Program> program = new ComboBox<>(model.programs());
    program.setId("programChoice");
    program.setPromptText("open a module (Modules screen) or describe a peer (Browse screen)");
    program
        .valueProperty()
        .addListener(
            (o, old, now) -> {
              if (now != model.programProperty().get()) {
                model.chooseProgram(now);
              }
            });
    model.programProperty().addListener((o, old, now) -> program.setValue(now));

    ToggleGroup modes = new ToggleGroup();
    RadioButton call = new RadioButton("Call a _function");
    call.setToggleGroup(modes);
    call.setSelected(true);
    RadioButton command = new RadioButton("Run as a _command");
    command.setToggleGroup(modes);
    modes
        .selectedToggleProperty()
        .addListener(
            (o, old, now) ->
                model.chooseMode(
                    now == command ? SubmitModel.Mode.COMMAND : SubmitModel.Mode.CALL));

    ComboBox<String> function = new ComboBox<>(model.functions());
    function.setId("functionChoice");
    function
        .valueProperty()
        .addListener(
            (o, old, now) -> {
              if (now != null
                  && (model.formProperty().get() == null
                      || !now.equals(model.formProperty().get().function()))) {
                model.chooseFunction(now);
              }
            });
    model
        .formProperty()
        .addListener(
            (o, old, now) -> {
              function.setValue(now == null ? null : now.function());
              showForm(now);
            });

    ToggleGroup reaches = new ToggleGroup();
    RadioButton one = reach("One", "reachOne", SubmitModel.Reach.ONE, reaches);
    RadioButton several = reach("Chosen", "reachChosen", SubmitModel.Reach.CHOSEN, reaches);
    RadioButton all = reach("All", "reachAll", SubmitModel.Reach.ALL, reaches);
    RadioButton spreadOver = reach("Spread over", "reachSpread", SubmitModel.Reach.SPREAD, reaches);
    one.setSelected(true);
    reaches
        .selectedToggleProperty()
        .addListener(
            (o, old, now) -> {
              if (now != null) {
                model.chooseReach((SubmitModel.Reach) now.getUserData());
              }
            });
    Spinner<Integer> spread = new Spinner<>(1, 10_000, model.spreadProperty().get());
    spread.setId("spreadCount");
    spread.setEditable(true);
    spread.setPrefWidth(80);
    spread.valueProperty().addListener((o, old, now) -> model.spreadProperty().set(now));
    spread.disableProperty().bind(model.reachProperty().isNotEqualTo(SubmitModel.Reach.SPREAD));
    peer.disableProperty().bind(model.reachProperty().isNotEqualTo(SubmitModel.Reach.ONE));
    FlowPane ticks = new FlowPane(10, 4);
    ticks.setId("chosenPeers");
    ticks.visibleProperty().bind(model.reachProperty().isEqualTo(SubmitModel.Reach.CHOSEN));
    ticks.managedProperty().bind(ticks.visibleProperty());
    Runnable tickBoxes =
        () ->
            ticks
                .getChildren()
                .setAll(
                    model.peers().stream()
                        .map(
                            p -> {
                              CheckBox box = new CheckBox(p.toString());
                              box.setId("choose-" + p.name());
                              box.setSelected(model.chosen().contains(p));
                              box.selectedProperty()
                                  .addListener((o, old, now) -> model.setChosen(p, now));
                              return box;
                            })
                        .toList());
    model.peers().addListener((javafx.collections.ListChangeListener<Object>) c -> tickBoxes.run());
    tickBoxes.run();

    GridPane choices = new GridPane();
    choices.setHgap(8);
    choices.setVgap(8);
    Label daemons = new Label("daemons");
    for (javafx.scene.control.Control c : List.of(one, several, all, spreadOver, daemons)) {
      c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    }
    // wraps rather than cutting the choices short in a narrow window
    FlowPane where =
        new FlowPane(10, 6, one, several, all, spreadOver, new HBox(6, spread, daemons));
    where.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    ((HBox) where.getChildren().getLast()).setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    choices.addRow(0, new Label("Where"), where);
    choices.add(ticks, 1, 1);
    choices.addRow(2, labelFor("_Peer", peer), peer);
    choices.addRow(3, labelFor("_What", program), program);
    choices.addRow(4, new Label("Run"), new HBox(12, call, command));
    Label functionLabel = labelFor("F_unction", function);
    choices.addRow(5, functionLabel, function);

    arguments.setId("argumentForm");
    arguments.setHgap(8);
    arguments.setVgap(4);
    VBox callPane = new VBox(8, new Label("Arguments"), arguments);
    callPane.visibleProperty().bind(model.modeProperty().isEqualTo(SubmitModel.Mode.CALL));
    callPane.managedProperty().bind(callPane.visibleProperty());
    function.disableProperty().bind(callPane.visibleProperty().not());
    // a command run has no function to choose: the row goes, and the command pane has room
    for (javafx.scene.Node node : List.of(functionLabel, function)) {
      node.visibleProperty().bind(callPane.visibleProperty());
      node.managedProperty().bind(callPane.visibleProperty());
    }

    TextField args = new TextField();
    args.setId("commandArgs");
    args.setPromptText("arguments, separated by spaces");
    args.textProperty().bindBidirectional(model.commandArgsProperty());
    TextArea env = new TextArea();
    env.setPromptText("NAME=value, one per line");
    env.setPrefRowCount(2);
    env.textProperty().bindBidirectional(model.commandEnvProperty());
    TextArea stdin = new TextArea();
    stdin.setPromptText("standard input");
    stdin.setPrefRowCount(2);
    stdin.textProperty().bindBidirectional(model.commandStdinProperty());
    VBox commandPane =
        new VBox(
            6,
            new Label("Arguments"),
            args,
            new Label("Environment"),
            env,
            new Label("Standard input"),
            stdin,
            directories());
    commandPane.visibleProperty().bind(model.modeProperty().isEqualTo(SubmitModel.Mode.COMMAND));
    commandPane.managedProperty().bind(commandPane.visibleProperty());

    Button send = new Button("_Send");
    send.setId("sendButton");
    send.setDefaultButton(true);
    send.disableProperty().bind(model.canSendBinding().not());
    send.setOnAction(e -> model.send());
    ProgressIndicator busy = new ProgressIndicator();
    busy.setPrefSize(18, 18);
    busy.visibleProperty().bind(model.busyProperty());
    Label hint = new Label();
    hint.textProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () ->
                    model.peers().isEmpty() ? "no live peer yet: discover on the Peers screen" : "",
                model.peers()));

    VBox form = new VBox(12, choices, callPane, commandPane);
    form.setPadding(new Insets(12));

    TextArea result = new TextArea();
    result.setId("outcome");
    result.setEditable(false);
    result.setWrapText(true);
    result.textProperty().bind(model.outcomeTextProperty());
    result.setPromptText("The results, outcome, usage, stdout and stderr appear here.");
    // the outcome's first line as a headline: the result, or what refused it (QUOTA EXCEEDED...),
    // in red
    Label headline = new Label();
    headline.setId("outcomeHeadline");
    headline.setWrapText(true);
    headline.getStyleClass().add(Styles.TITLE_4);
    headline
        .textProperty()
        .bind(
            model
                .outcomeTextProperty()
                .map(
                    t ->
                        model.outcomeProperty().get() == null
                            ? ""
                            : t.lines().findFirst().orElse("")));
    model
        .outcomeProperty()
        .addListener(
            (o, old, now) -> {
              boolean bad =
                  now != null
                      && !(now instanceof SendOutcome.Ran ran
                          && ran.executed().result().outcome().equals("completed"));
              result.pseudoClassStateChanged(Styles.STATE_DANGER, bad);
              headline.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
              headline.getStyleClass().add(bad ? Styles.DANGER : Styles.SUCCESS);
            });
    // a send to several: one row per daemon as each ends, under the summary
    TableView<DaemonRun> table = new TableView<>(model.runs());
    table.setId("runTable");
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.getColumns().add(column("Daemon", DaemonRun::daemon, 120));
    table.getColumns().add(column("SendOutcome", DaemonRun::outcome, 110));
    table.getColumns().add(column("CPU", DaemonRun::cpu, 75));
    table.getColumns().add(column("Wall", DaemonRun::wall, 75));
    table.getColumns().add(column("Memory", DaemonRun::memory, 75));
    table.getColumns().add(column("Output", r -> r.output().replace('\n', ' '), 200));
    table.setRowFactory(
        t ->
            new TableRow<>() {
              @Override
              protected void updateItem(DaemonRun run, boolean empty) {
                super.updateItem(run, empty);
                boolean bad = !empty && run != null && run.status() != DaemonRun.Status.SUCCEEDED;
                pseudoClassStateChanged(Styles.STATE_DANGER, bad);
                setStyle(bad ? "-fx-text-background-color: -color-danger-fg;" : "");
              }
            });
    table.setPrefHeight(170);
    table.visibleProperty().bind(model.reachProperty().isNotEqualTo(SubmitModel.Reach.ONE));
    table.managedProperty().bind(table.visibleProperty());
    Label summary = new Label();
    summary.setId("runSummary");
    summary.setWrapText(true);
    summary.getStyleClass().add(Styles.TITLE_4);
    summary.textProperty().bind(model.summaryProperty());
    summary.visibleProperty().bind(table.visibleProperty());
    summary.managedProperty().bind(summary.visibleProperty());
    model
        .summaryCompleteProperty()
        .addListener(
            (o, old, now) -> {
              summary.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
              summary.getStyleClass().add(now ? Styles.SUCCESS : Styles.DANGER);
            });
    summary.getStyleClass().add(Styles.DANGER);
    headline.visibleProperty().bind(table.visibleProperty().not());
    headline.managedProperty().bind(headline.visibleProperty());

    Label written = new Label();
    written.setId("writeBackStatus");
    written.setWrapText(true);
    written.textProperty().bind(model.writeBackProperty());
    written.visibleProperty().bind(model.writeBackProperty().isNotEmpty());
    written.managedProperty().bind(written.visibleProperty());
    Button replace = new Button("_Replace existing files");
    replace.setId("replaceButton");
    replace.getStyleClass().add(Styles.DANGER);
    replace.visibleProperty().bind(model.replaceOfferedProperty());
    replace.managedProperty().bind(replace.visibleProperty());
    replace.setOnAction(
        e -> {
          Alert sure =
              new Alert(
                  Alert.AlertType.CONFIRMATION,
                  model.writeBackProperty().get() + "\n\nReplace the existing files?",
                  ButtonType.CANCEL,
                  ButtonType.YES);
          sure.setHeaderText("Replace existing files?");
          sure.initOwner(getScene() == null ? null : getScene().getWindow());
          sure.showAndWait()
              .filter(ButtonType.YES::equals)
              .ifPresent(yes -> model.replaceExisting());
        });

    VBox right = new VBox(8, summary, headline, table, result, new HBox(8, written, replace));
    right.setPadding(new Insets(12));
    VBox.setVgrow(result, javafx.scene.layout.Priority.ALWAYS);

    // the command pane with its directories outgrows a small window: it scrolls, the result does
    // not
    // Send stays in view below it
    javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane(form);
    scroll.setFitToWidth(true);
    HBox sending = new HBox(8, send, busy, hint);
    sending.setPadding(new Insets(8, 12, 12, 12));
    BorderPane left = new BorderPane(scroll);
    left.setBottom(sending);
    SplitPane split = new SplitPane(left, right);
    split.setDividerPositions(0.5);
    setCenter(split);
  }

  private void showForm(ArgumentForm form) {
    arguments.getChildren().clear();
    if (form == null) {
      return;
    }
    Label signature = new Label(form.function() + " " + form.type());
    signature.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    arguments.add(signature, 0, 0, 3, 1);
    if (form.fields().isEmpty()) {
      arguments.add(new Label("(no arguments)"), 0, 1, 3, 1);
    }
    int row = 1;
    for (ArgumentField field : form.fields()) {
      Label name = new Label(field.label() + " : " + field.type().text());
      TextField input = new TextField();
      input.setId("arg" + (row - 1));
      input.setPromptText(field.type().text());
      input.textProperty().bindBidirectional(field.textProperty());
      name.setLabelFor(input);
      Label problem = new Label();
      problem.setId("argProblem" + (row - 1));
      problem.getStyleClass().add("danger");
      problem.setWrapText(true);
      problem.setMaxWidth(320);
      // an empty field is merely unfinished: say what is wrong only once something was typed
      problem
          .textProperty()
          .bind(
              field
                  .parsedProperty()
                  .map(p -> field.textProperty().get().isBlank() ? "" : field.problem()));
      input.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("danger"), false);
      field
          .parsedProperty()
          .addListener(
              (o, old, now) ->
                  input.pseudoClassStateChanged(
                      javafx.css.PseudoClass.getPseudoClass("danger"),
                      now instanceof NumberText.Parsed.Invalid
                          && !field.textProperty().get().isBlank()));
      arguments.addRow(row++, name, input, problem);
    }
  }

  /**
   * Directories sent with a command run (as {@code run --dir LOCAL::GUEST}) and where the changed
   * trees come back (as {@code --out}).
   */
  private VBox directories() {
    ListView<DirArgument> attached = new ListView<>(model.dirs());
    attached.setId("dirList");
    attached.setPrefHeight(64);
    attached.setPlaceholder(new Label("no directory attached"));
    TextField guest = new TextField();
    guest.setId("guestPath");
    guest.setPromptText("guest path (default: the directory's name; / for the root)");
    Label problem = new Label();
    problem.setId("attachProblem");
    problem.getStyleClass().add(Styles.DANGER);
    Button attach = new Button("Attach _directory…");
    attach.setId("attachButton");
    attach.setOnAction(
        e -> {
          DirectoryChooser chooser = new DirectoryChooser();
          chooser.setTitle("Directory the guest sees at " + guestShown(guest.getText()));
          java.io.File chosen = chooser.showDialog(getScene().getWindow());
          if (chosen != null) {
            try {
              model.attach(chosen.toPath(), guest.getText());
              problem.setText("");
            } catch (IllegalArgumentException bad) {
              problem.setText(bad.getMessage());
            }
          }
        });
    Button detach = new Button("Remove");
    detach.setId("detachButton");
    detach.disableProperty().bind(attached.getSelectionModel().selectedItemProperty().isNull());
    detach.setOnAction(e -> model.detach(attached.getSelectionModel().getSelectedItem()));
    TextField out = new TextField();
    out.setId("writeBackTo");
    out.setPromptText("write changed directories back here (optional; one daemon only)");
    out.textProperty().bindBidirectional(model.writeBackToProperty());
    Button choose = new Button("Choose…");
    choose.setOnAction(
        e -> {
          java.io.File chosen = new DirectoryChooser().showDialog(getScene().getWindow());
          if (chosen != null) {
            out.setText(chosen.getPath());
          }
        });
    HBox.setHgrow(guest, javafx.scene.layout.Priority.ALWAYS);
    HBox.setHgrow(out, javafx.scene.layout.Priority.ALWAYS);
    return new VBox(
        6,
        new Label("Directories (the guest's preopens)"),
        attached,
        new HBox(8, guest, attach, detach),
        problem,
        new HBox(8, out, choose));
  }

  private static String guestShown(String guest) {
    return guest == null || guest.isBlank() ? "its own name" : guest.strip();
  }

  private static RadioButton reach(
      String text, String id, SubmitModel.Reach reach, ToggleGroup group) {
    RadioButton button = new RadioButton(text);
    button.setId(id);
    button.setUserData(reach);
    button.setToggleGroup(group);
    return button;
  }

  private static TableColumn<DaemonRun, String> column(
      String title, java.util.function.Function<DaemonRun, String> value, double width) {
    TableColumn<DaemonRun, String> column = new TableColumn<>(title);
    column.setCellValueFactory(row -> new ReadOnlyStringWrapper(value.apply(row.getValue())));
    column.setPrefWidth(width);
    return column;
  }

  /** A label whose mnemonic (Alt + the underlined letter) moves the focus to {@code target}. */
  private static Label labelFor(String text, javafx.scene.Node target) {
    Label label = new Label(text);
    label.setMnemonicParsing(true);
    label.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    label.setLabelFor(target);
    return label;
  }

  /** Shows "any peer" for the empty choice. */
  private static final class AnyCell extends ListCell<ExplorerEvent.PeerChoice> {
    @Override
    protected void updateItem(ExplorerEvent.PeerChoice item, boolean empty) {
      super.updateItem(item, empty);
      setText(item == null ? "any peer" : item.toString());
    }
  }
}
