package org.weverywhere.desktop.submit;

import atlantafx.base.theme.Styles;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.weverywhere.desktop.events.ExplorerEvent;

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
    peer.valueProperty().addListener((o, old, now) -> model.choosePeer(now));
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

    GridPane choices = new GridPane();
    choices.setHgap(8);
    choices.setVgap(8);
    choices.addRow(0, labelFor("_Peer", peer), peer);
    choices.addRow(1, labelFor("_What", program), program);
    choices.addRow(2, new Label("Run"), new HBox(12, call, command));
    choices.addRow(3, labelFor("F_unction", function), function);

    arguments.setId("argumentForm");
    arguments.setHgap(8);
    arguments.setVgap(4);
    VBox callPane = new VBox(8, new Label("Arguments"), arguments);
    callPane.visibleProperty().bind(model.modeProperty().isEqualTo(SubmitModel.Mode.CALL));
    callPane.managedProperty().bind(callPane.visibleProperty());
    function.disableProperty().bind(callPane.visibleProperty().not());

    TextField args = new TextField();
    args.setId("commandArgs");
    args.setPromptText("arguments, separated by spaces");
    args.textProperty().bindBidirectional(model.commandArgsProperty());
    TextArea env = new TextArea();
    env.setPromptText("NAME=value, one per line");
    env.setPrefRowCount(3);
    env.textProperty().bindBidirectional(model.commandEnvProperty());
    TextArea stdin = new TextArea();
    stdin.setPromptText("standard input");
    stdin.setPrefRowCount(3);
    stdin.textProperty().bindBidirectional(model.commandStdinProperty());
    VBox commandPane =
        new VBox(
            6,
            new Label("Arguments"),
            args,
            new Label("Environment"),
            env,
            new Label("Standard input"),
            stdin);
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

    VBox left = new VBox(12, choices, callPane, commandPane, new HBox(8, send, busy, hint));
    left.setPadding(new Insets(12));

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
                      && !(now instanceof Outcome.Ran ran
                          && ran.executed().result().outcome().equals("completed"));
              result.pseudoClassStateChanged(Styles.STATE_DANGER, bad);
              headline.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
              headline.getStyleClass().add(bad ? Styles.DANGER : Styles.SUCCESS);
            });
    VBox right = new VBox(8, headline, result);
    right.setPadding(new Insets(12));
    VBox.setVgrow(result, javafx.scene.layout.Priority.ALWAYS);

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
