package org.weverywhere.desktop.submit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
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
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.ModuleInfo;

/**
 * The Submit screen's state: which peer (or any), which local module, and either a function with
 * its typed argument form or a command run with args, environment and stdin; then the outcome.
 * Sending goes through the {@link NetworkClient} on {@code background}.
 */
public final class SubmitModel {
  /** Call one exported function, or run the module as a WASI command. */
  public enum Mode { CALL, COMMAND }

  /** A module that can be sent: a file opened on the Modules screen. */
  public record Module(Path file, byte[] bytes, ModuleInfo info) {
    /** Exported function names, {@code _start} and {@code _initialize} left out (they take no arguments to type). */
    public List<String> functions() {
      return info.exports().stream().filter(e -> e.type() instanceof ExternType.Function)
          .map(e -> e.name()).filter(n -> !n.equals("_start") && !n.equals("_initialize")).toList();
    }

    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  /** How a send ended. */
  public sealed interface Outcome {
    /** The daemon ran it; {@code result} says how it ended (completed, trapped, out-of-fuel...). */
    record Ran(Message.Result result) implements Outcome {}

    /** The daemon said no (permission, membership, busy, quota...): {@code quota} marks a quota refusal. */
    record Refused(String code, String message, boolean quota) implements Outcome {}

    /** It never got an answer: no connection, no reply in time, a reply that did not verify. */
    record Failed(String code, String message) implements Outcome {}
  }

  /** The reasons that are a daemon's answer, as opposed to a failure to get one. */
  private static final java.util.Set<ProtocolException.Reason> SAID_NO = java.util.EnumSet.of(
      ProtocolException.Reason.QUOTA_EXCEEDED, ProtocolException.Reason.REFUSED, ProtocolException.Reason.NOT_PERMITTED,
      ProtocolException.Reason.NOT_MEMBER, ProtocolException.Reason.BUSY);

  private final NetworkClient client;
  private final Executor background;
  private final Executor ui;
  private final ObservableList<ExplorerEvent.PeerChoice> peers = FXCollections.observableArrayList();
  private final ObservableList<Module> modules = FXCollections.observableArrayList();
  private final ObservableList<String> functions = FXCollections.observableArrayList();
  private final ReadOnlyObjectWrapper<ExplorerEvent.PeerChoice> peer = new ReadOnlyObjectWrapper<>(this, "peer");
  private final ReadOnlyObjectWrapper<Module> module = new ReadOnlyObjectWrapper<>(this, "module");
  private final ReadOnlyObjectWrapper<Mode> mode = new ReadOnlyObjectWrapper<>(this, "mode", Mode.CALL);
  private final ReadOnlyObjectWrapper<ArgumentForm> form = new ReadOnlyObjectWrapper<>(this, "form");
  private final StringProperty commandArgs = new SimpleStringProperty(this, "commandArgs", "");
  private final StringProperty commandEnv = new SimpleStringProperty(this, "commandEnv", "");
  private final StringProperty commandStdin = new SimpleStringProperty(this, "commandStdin", "");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyObjectWrapper<Outcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
  private final ReadOnlyStringWrapper outcomeText = new ReadOnlyStringWrapper(this, "outcomeText", "");
  private final BooleanBinding canSend;

  public SubmitModel(NetworkClient client, EventBus bus, Executor background, Executor ui) {
    this.client = Objects.requireNonNull(client);
    this.background = Objects.requireNonNull(background);
    this.ui = Objects.requireNonNull(ui);
    bus.subscribe(ExplorerEvent.PeersChanged.class, changed -> {
      peers.setAll(changed.peers());
      if (peer.get() != null && changed.peers().stream().noneMatch(p -> p.address().node().equals(
          peer.get().address().node()))) {
        peer.set(null); // the chosen peer went away: back to "any"
      }
    });
    bus.subscribe(ExplorerEvent.ModuleOpened.class, opened -> {
      modules.removeIf(m -> m.file().equals(opened.file()));
      Module added = new Module(opened.file(), opened.bytes(), opened.info());
      modules.add(added);
      chooseModule(added);
    });
    ObservableValue<Boolean> formValid = form.flatMap(ArgumentForm::validBinding).orElse(false);
    canSend = Bindings.createBooleanBinding(() -> !busy.get() && module.get() != null && !peers.isEmpty()
        && (mode.get() == Mode.COMMAND || formValid.getValue()), busy, module, peers, mode, formValid);
  }

  public ObservableList<ExplorerEvent.PeerChoice> peers() {
    return FXCollections.unmodifiableObservableList(peers);
  }

  public ObservableList<Module> modules() {
    return FXCollections.unmodifiableObservableList(modules);
  }

  public ObservableList<String> functions() {
    return FXCollections.unmodifiableObservableList(functions);
  }

  /** The chosen peer; null means any (the first live one). */
  public ReadOnlyObjectProperty<ExplorerEvent.PeerChoice> peerProperty() {
    return peer.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Module> moduleProperty() {
    return module.getReadOnlyProperty();
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

  /** True when a send would go out: a module, a peer, and for a call every argument valid. */
  public BooleanBinding canSendBinding() {
    return canSend;
  }

  public void choosePeer(ExplorerEvent.PeerChoice choice) {
    peer.set(choice);
  }

  public void chooseMode(Mode chosen) {
    mode.set(Objects.requireNonNull(chosen));
  }

  public void chooseModule(Module chosen) {
    module.set(chosen);
    functions.setAll(chosen == null ? List.of() : chosen.functions());
    chooseFunction(functions.isEmpty() ? null : functions.getFirst());
  }

  public void chooseFunction(String name) {
    Module m = module.get();
    if (name == null || m == null) {
      form.set(null);
      return;
    }
    var type = m.info().exportedFunction(name).map(e -> ((ExternType.Function) e.type()).type())
        .orElseThrow(() -> new IllegalArgumentException(m + " exports no function " + name));
    form.set(new ArgumentForm(name, type, m.info().metadata().map(md -> md.functions().get(name))));
  }

  /** Sends the execute request; the outcome (or refusal) appears when the daemon answers. */
  public void send() {
    if (!canSend.get()) {
      return;
    }
    ExplorerEvent.PeerChoice target = peer.get() != null ? peer.get() : peers.getFirst();
    Message.Invocation run = mode.get() == Mode.CALL
        ? new Message.Call(form.get().function(), form.get().values())
        : new Message.Command(args(commandArgs.get()), env(commandEnv.get()),
            commandStdin.get().getBytes(StandardCharsets.UTF_8));
    Message.Execute request = new Message.Execute(new Message.ModuleTarget(module.get().bytes()), run);
    busy.set(true);
    outcomeText.set("sending to " + target + "…");
    background.execute(() -> {
      Outcome ended;
      try {
        ended = new Outcome.Ran(client.execute(target.address(), request));
      } catch (WeverywhereException failed) {
        ended = failed instanceof ProtocolException p && SAID_NO.contains(p.reason())
            ? new Outcome.Refused(p.code().code(), p.getMessage(), p.reason() == ProtocolException.Reason.QUOTA_EXCEEDED)
            : new Outcome.Failed(failed.code().code(), failed.getMessage());
      }
      Outcome shown = ended;
      ui.execute(() -> {
        outcome.set(shown);
        outcomeText.set(describe(shown));
        busy.set(false);
      });
    });
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

  /** The outcome as the result pane shows it. */
  static String describe(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Refused r when r.quota() -> "QUOTA EXCEEDED [" + r.code() + "]\n" + r.message();
      case Outcome.Refused r -> "refused [" + r.code() + "]\n" + r.message();
      case Outcome.Failed f -> "failed [" + f.code() + "]\n" + f.message();
      case Outcome.Ran ran -> {
        Message.Result r = ran.result();
        StringBuilder text = new StringBuilder("outcome: " + r.outcome() + "\nexit: " + r.exit()
            + "\ncpu time: " + String.format("%.3f ms", r.cpuNanos() / 1e6));
        if (!r.values().isEmpty()) {
          text.append("\nresults: ").append(String.join(", ", r.values().stream().map(NumberText::format).toList()));
        }
        text.append("\n--- stdout (").append(r.stdout().length).append(" bytes)\n")
            .append(new String(r.stdout(), StandardCharsets.UTF_8));
        text.append("\n--- stderr (").append(r.stderr().length).append(" bytes)\n")
            .append(new String(r.stderr(), StandardCharsets.UTF_8));
        yield text.toString();
      }
    };
  }
}
