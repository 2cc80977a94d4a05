package org.weverywhere.desktop.submit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.wasm.FuncType;

/**
 * The Submit screen's state: which peer (or any), what to run (a local module, or a library a peer
 * described), and either a function with its typed argument form or a command run with args,
 * environment and stdin; then the outcome. Sending goes through the {@link NetworkClient} on {@code
 * background}; state changes happen on {@code ui}.
 */
public final class SubmitModel {
  /** Call one exported function, or run the module as a WASI command. */
  public enum Mode {
    CALL,
    COMMAND
  }

  /** The reasons that are a daemon's answer, as opposed to a failure to get one. */
  private static final Set<ProtocolException.Reason> SAID_NO =
      EnumSet.of(
          ProtocolException.Reason.QUOTA_EXCEEDED,
          ProtocolException.Reason.REFUSED,
          ProtocolException.Reason.NOT_PERMITTED,
          ProtocolException.Reason.NOT_MEMBER,
          ProtocolException.Reason.BUSY);

  /**
   * How the shared client words a quota refusal: {@code ... refused: quota 'network-period'
   * exceeded: ...}.
   */
  private static final Pattern QUOTA_NAME = Pattern.compile("quota '([^']*)' exceeded");

  private final NetworkClient client;
  private final Executor background;
  private final Executor ui;
  private final ObservableList<ExplorerEvent.PeerChoice> peers =
      FXCollections.observableArrayList();
  private final ObservableList<ExplorerEvent.PeerChoice> peersView =
      FXCollections.unmodifiableObservableList(peers);
  private final ObservableList<Program> programs = FXCollections.observableArrayList();
  private final ObservableList<Program> programsView =
      FXCollections.unmodifiableObservableList(programs);
  private final Map<Fingerprint, ExplorerEvent.PeerDescribed> descriptions = new LinkedHashMap<>();
  private final ObservableList<String> functions = FXCollections.observableArrayList();
  private final ObservableList<String> functionsView =
      FXCollections.unmodifiableObservableList(functions);
  private final ReadOnlyObjectWrapper<ExplorerEvent.PeerChoice> peer =
      new ReadOnlyObjectWrapper<>(this, "peer");
  private final ReadOnlyObjectWrapper<Program> program =
      new ReadOnlyObjectWrapper<>(this, "program");
  private final ReadOnlyObjectWrapper<Mode> mode =
      new ReadOnlyObjectWrapper<>(this, "mode", Mode.CALL);
  private final ReadOnlyObjectWrapper<ArgumentForm> form =
      new ReadOnlyObjectWrapper<>(this, "form");
  private final StringProperty commandArgs = new SimpleStringProperty(this, "commandArgs", "");
  private final StringProperty commandEnv = new SimpleStringProperty(this, "commandEnv", "");
  private final StringProperty commandStdin = new SimpleStringProperty(this, "commandStdin", "");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyObjectWrapper<Outcome> outcome =
      new ReadOnlyObjectWrapper<>(this, "outcome");
  private final ReadOnlyStringWrapper outcomeText =
      new ReadOnlyStringWrapper(this, "outcomeText", "");
  private final BooleanBinding canSend;

  /** Last run's choice, until it is offered or the user chooses. */
  private Optional<Wanted> wanted = Optional.empty();

  private record Wanted(String label, String function) {}

  public SubmitModel(NetworkClient client, EventBus bus, Executor background, Executor ui) {
    this.client = Objects.requireNonNull(client);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    bus.subscribe(
        ExplorerEvent.PeersChanged.class,
        changed -> {
          peers.setAll(changed.peers());
          Set<Fingerprint> live =
              changed.peers().stream().map(p -> p.address().node()).collect(Collectors.toSet());
          if (peer.get() != null && !live.contains(peer.get().address().node())) {
            peer.set(null); // the chosen peer went away: back to "any"
          }
          descriptions.keySet().retainAll(live);
          refreshLibraries();
        });
    bus.subscribe(
        ExplorerEvent.ModuleOpened.class,
        opened -> {
          programs.removeIf(
              m -> m instanceof Program.Module module && module.file().equals(opened.file()));
          Program.Module added = new Program.Module(opened.file(), opened.bytes(), opened.info());
          programs.add(localCount(), added);
          select(added);
          applyWanted();
        });
    bus.subscribe(
        ExplorerEvent.PeerDescribed.class,
        described -> {
          // kept even for a peer not (yet) live here: the peers' list may reach this model after
          // the description
          descriptions.put(described.peer().address().node(), described);
          refreshLibraries();
        });
    ObservableValue<Boolean> formValid = form.flatMap(ArgumentForm::validBinding).orElse(false);
    canSend =
        Bindings.createBooleanBinding(
            () ->
                !busy.get()
                    && program.get() != null
                    && destination().isPresent()
                    && (mode.get() == Mode.COMMAND || formValid.getValue()),
            busy,
            program,
            peers,
            peer,
            mode,
            formValid);
  }

  private int localCount() {
    return (int) programs.stream().filter(p -> p instanceof Program.Module).count();
  }

  /**
   * The live peers' libraries, after the local modules, from the latest description of each; a
   * library listed unchanged keeps its place (and a form being filled for it stays).
   */
  private void refreshLibraries() {
    List<Program> fresh = new ArrayList<>();
    for (ExplorerEvent.PeerChoice live : peers) {
      ExplorerEvent.PeerDescribed d = descriptions.get(live.address().node());
      if (d == null) {
        continue;
      }
      for (Message.Library offered : d.description().libraries()) {
        Program.Library library = new Program.Library(d.peer(), offered);
        fresh.add(
            programs.stream()
                .filter(p -> p instanceof Program.Library old && old.sameAs(library))
                .findFirst()
                .orElse(library));
      }
    }
    programs.removeIf(p -> p instanceof Program.Library && !fresh.contains(p));
    for (Program p : fresh) {
      if (!programs.contains(p)) {
        programs.add(p);
      }
    }
    if (program.get() != null && !programs.contains(program.get())) {
      select(null);
    }
    applyWanted();
  }

  /**
   * Chooses the program labelled {@code label} (e.g. {@code math 1.0.0 on lab-1}) and its function
   * {@code function} as soon as it is offered, unless the user chooses something first: how the
   * explorer comes back to last run's choice.
   */
  public void prefer(String label, String function) {
    wanted = Optional.of(new Wanted(label, function));
    applyWanted();
  }

  private void applyWanted() {
    if (wanted.isEmpty()) {
      return;
    }
    String label = wanted.get().label();
    String function = wanted.get().function();
    programs.stream()
        .filter(p -> p.toString().equals(label))
        .findFirst()
        .ifPresent(
            p -> {
              wanted = Optional.empty();
              select(p);
              if (functions.contains(function)) {
                chooseFunction(function);
              }
            });
  }

  public ObservableList<ExplorerEvent.PeerChoice> peers() {
    return peersView;
  }

  /** Local modules first, then the libraries peers described. */
  public ObservableList<Program> programs() {
    return programsView;
  }

  public ObservableList<String> functions() {
    return functionsView;
  }

  /** The chosen peer; null means any (the first live one). */
  public ReadOnlyObjectProperty<ExplorerEvent.PeerChoice> peerProperty() {
    return peer.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Program> programProperty() {
    return program.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Mode> modeProperty() {
    return mode.getReadOnlyProperty();
  }

  /** The argument form of the chosen function; null until one is chosen. */
  public ReadOnlyObjectProperty<ArgumentForm> formProperty() {
    return form.getReadOnlyProperty();
  }

  /** Command-line arguments, split on whitespace. */
  public StringProperty commandArgsProperty() {
    return commandArgs;
  }

  /** Environment, one {@code NAME=value} per line. */
  public StringProperty commandEnvProperty() {
    return commandEnv;
  }

  public StringProperty commandStdinProperty() {
    return commandStdin;
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Outcome> outcomeProperty() {
    return outcome.getReadOnlyProperty();
  }

  /** The outcome as lines for the result pane. */
  public ReadOnlyStringProperty outcomeTextProperty() {
    return outcomeText.getReadOnlyProperty();
  }

  /**
   * True when a send would go out: something to run, a peer to run it on, and for a call every
   * argument valid.
   */
  public BooleanBinding canSendBinding() {
    return canSend;
  }

  /**
   * Chooses where to run; a library of another peer gives way to the library of that name on this
   * one, if it has it.
   */
  public void choosePeer(ExplorerEvent.PeerChoice choice) {
    peer.set(choice);
    if (choice != null
        && program.get() instanceof Program.Library library
        && !library.peer().address().node().equals(choice.address().node())) {
      select(
          programs.stream()
              .filter(
                  p ->
                      p instanceof Program.Library l
                          && l.peer().address().node().equals(choice.address().node())
                          && l.library().name().equals(library.library().name()))
              .findFirst()
              .orElse(null));
    }
  }

  public void chooseMode(Mode chosen) {
    mode.set(Objects.requireNonNull(chosen));
  }

  /**
   * Chooses what to run (the user's choice: it outranks {@link #prefer}); a library also chooses
   * its peer.
   */
  public void chooseProgram(Program chosen) {
    wanted = Optional.empty();
    select(chosen);
  }

  private void select(Program chosen) {
    program.set(chosen);
    if (chosen != null) {
      chosen.home().ifPresent(peer::set);
    }
    functions.setAll(chosen == null ? List.of() : chosen.functions());
    chooseFunction(functions.isEmpty() ? null : functions.getFirst());
  }

  public void chooseFunction(String name) {
    Program p = program.get();
    if (name == null || p == null) {
      form.set(null);
      return;
    }
    FuncType type =
        p.signature(name)
            .orElseThrow(() -> new IllegalArgumentException(p + " exports no function " + name));
    form.set(new ArgumentForm(name, type, p.doc(name)));
  }

  /**
   * Where a send goes now: the program's own peer, else the chosen one, else the first live one.
   */
  private Optional<ExplorerEvent.PeerChoice> destination() {
    Program p = program.get();
    if (p != null && p.home().isPresent()) {
      return p.home()
          .filter(h -> peers.stream().anyMatch(l -> l.address().node().equals(h.address().node())));
    }
    return Optional.ofNullable(peer.get()).or(() -> peers.stream().findFirst());
  }

  /** Sends the execute request; the outcome (or refusal) appears when the daemon answers. */
  public void send() {
    if (!canSend.get()) {
      return;
    }
    ExplorerEvent.PeerChoice target = destination().orElseThrow();
    Message.Invocation run =
        mode.get() == Mode.CALL
            ? new Message.Call(form.get().function(), form.get().values())
            : new Message.Command(
                args(commandArgs.get()),
                env(commandEnv.get()),
                commandStdin.get().getBytes(StandardCharsets.UTF_8));
    Message.Execute request = new Message.Execute(program.get().target(), run);
    busy.set(true);
    outcomeText.set("sending " + program.get() + " to " + target + "…");
    background.execute(
        () -> {
          Outcome ended;
          try {
            ended = new Outcome.Ran(client.execute(target.address(), request));
          } catch (WeverywhereException failed) {
            ended =
                failed instanceof ProtocolException p && SAID_NO.contains(p.reason())
                    ? new Outcome.Refused(
                        p.code().code(),
                        p.getMessage(),
                        p.reason() == ProtocolException.Reason.QUOTA_EXCEEDED
                            ? Optional.of(quotaName(p.getMessage()))
                            : Optional.empty())
                    : new Outcome.Failed(failed.code().code(), failed.getMessage());
          }
          Outcome shown = ended;
          ui.execute(
              () -> {
                outcome.set(shown);
                outcomeText.set(shown.text());
                busy.set(false);
              });
        });
  }

  private static String quotaName(String message) {
    Matcher named = QUOTA_NAME.matcher(message);
    return named.find() && !named.group(1).isEmpty() ? named.group(1) : "unnamed";
  }

  static List<String> args(String line) {
    String t = line.strip();
    return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
  }

  static Map<String, String> env(String lines) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : lines.split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq).strip(), line.substring(eq + 1));
      }
    }
    return env;
  }
}
