package org.weverywhere.desktop.submit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.files.LocalTrees;
import org.weverywhere.files.Preopen;
import org.weverywhere.net.DirArgument;
import org.weverywhere.net.FanOut;
import org.weverywhere.net.FreeCapacity;
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

  /**
   * Where a send goes: one daemon (the chosen one, or any), the daemons ticked, every live one
   * (that offers the library), or the N with the most free capacity for this group (as {@code run
   * --all} and {@code run --spread N} choose them).
   */
  public enum Reach {
    ONE,
    CHOSEN,
    ALL,
    SPREAD
  }

  /** Requests outstanding at once in a send to several, as the CLI's fan-out allows. */
  private static final int FAN_OUT_IN_FLIGHT = 64;

  /** The longest a send to several may take; daemons still running then are reported lost. */
  private static final java.time.Duration FAN_OUT_BOUND = java.time.Duration.ofMinutes(3);

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
  private final ReadOnlyObjectWrapper<SendOutcome> outcome =
      new ReadOnlyObjectWrapper<>(this, "outcome");
  private final ReadOnlyStringWrapper outcomeText =
      new ReadOnlyStringWrapper(this, "outcomeText", "");
  private final ReadOnlyObjectWrapper<Reach> reach =
      new ReadOnlyObjectWrapper<>(this, "reach", Reach.ONE);
  private final ObservableList<ExplorerEvent.PeerChoice> chosen =
      FXCollections.observableArrayList();
  private final ObservableList<ExplorerEvent.PeerChoice> chosenView =
      FXCollections.unmodifiableObservableList(chosen);
  private final javafx.beans.property.IntegerProperty spread =
      new javafx.beans.property.SimpleIntegerProperty(this, "spread", 2);
  private final ObservableList<DaemonRun> runs = FXCollections.observableArrayList();
  private final ObservableList<DaemonRun> runsView = FXCollections.unmodifiableObservableList(runs);
  private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
  private final ReadOnlyBooleanWrapper summaryComplete =
      new ReadOnlyBooleanWrapper(this, "summaryComplete");
  private final ObservableList<DirArgument> dirs = FXCollections.observableArrayList();
  private final ObservableList<DirArgument> dirsView =
      FXCollections.unmodifiableObservableList(dirs);
  private final StringProperty writeBackTo = new SimpleStringProperty(this, "writeBackTo", "");
  private final ReadOnlyStringWrapper writeBack = new ReadOnlyStringWrapper(this, "writeBack", "");
  private final ReadOnlyBooleanWrapper replaceOffered =
      new ReadOnlyBooleanWrapper(this, "replaceOffered");

  /** The changed trees of the last run on one daemon, and where they go, until written. */
  private List<Preopen> returned = List.of();

  private Path returnTo;
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
          chosen.removeIf(c -> !live.contains(c.address().node()));
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
                    && reachable()
                    && (mode.get() == Mode.COMMAND || formValid.getValue()),
            busy,
            program,
            peers,
            peer,
            mode,
            formValid,
            reach,
            chosen,
            spread);
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

  /** Command-line arguments after the program's name (argv[0]), split on whitespace. */
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

  public ReadOnlyObjectProperty<SendOutcome> outcomeProperty() {
    return outcome.getReadOnlyProperty();
  }

  /** The outcome as lines for the result pane. */
  public ReadOnlyStringProperty outcomeTextProperty() {
    return outcomeText.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Reach> reachProperty() {
    return reach.getReadOnlyProperty();
  }

  public void chooseReach(Reach chosenReach) {
    reach.set(Objects.requireNonNull(chosenReach));
  }

  /** The daemons ticked for {@link Reach#CHOSEN}, in the order ticked. */
  public ObservableList<ExplorerEvent.PeerChoice> chosen() {
    return chosenView;
  }

  /** Ticks or unticks one live peer for {@link Reach#CHOSEN}. */
  public void setChosen(ExplorerEvent.PeerChoice choice, boolean on) {
    chosen.removeIf(c -> c.address().node().equals(choice.address().node()));
    if (on && peers.stream().anyMatch(p -> p.address().node().equals(choice.address().node()))) {
      chosen.add(choice);
    }
  }

  /** How many daemons {@link Reach#SPREAD} runs on. */
  public javafx.beans.property.IntegerProperty spreadProperty() {
    return spread;
  }

  /** A send to several: one row per daemon, added as each ends. */
  public ObservableList<DaemonRun> runs() {
    return runsView;
  }

  /** A send to several: the summary once the last daemon ended, e.g. {@code 2 of 2 succeeded}. */
  public ReadOnlyStringProperty summaryProperty() {
    return summary.getReadOnlyProperty();
  }

  /** Whether the last send to several succeeded on every daemon wanted. */
  public ReadOnlyBooleanProperty summaryCompleteProperty() {
    return summaryComplete.getReadOnlyProperty();
  }

  /** Directories sent with a command run, as {@code run --dir LOCAL::GUEST}. */
  public ObservableList<DirArgument> dirs() {
    return dirsView;
  }

  /**
   * Attaches {@code local} at the guest path {@code guest} (blank: LOCAL's name), as {@code --dir
   * LOCAL[::GUEST]}; a guest path already attached is replaced. Read when sent, not now.
   *
   * @throws IllegalArgumentException when the pair is not a valid LOCAL::GUEST
   */
  public DirArgument attach(Path local, String guest) {
    DirArgument dir =
        guest == null || guest.isBlank()
            ? DirArgument.parse(local.toString())
            : new DirArgument(local, guest.strip());
    dirs.removeIf(d -> d.guest().equals(dir.guest()));
    dirs.add(dir);
    return dir;
  }

  public void detach(DirArgument dir) {
    dirs.remove(dir);
  }

  /**
   * Where a run on one daemon writes the trees its guest changed, as {@code run --out DIR}; blank:
   * nowhere.
   */
  public StringProperty writeBackToProperty() {
    return writeBackTo;
  }

  /** What writing the changed trees back did, or why it did not. */
  public ReadOnlyStringProperty writeBackProperty() {
    return writeBack.getReadOnlyProperty();
  }

  /**
   * True when files are in the way and the user may confirm replacing them (as {@code --force}).
   */
  public ReadOnlyBooleanProperty replaceOfferedProperty() {
    return replaceOffered.getReadOnlyProperty();
  }

  /** The user confirmed: writes the last run's trees again, replacing existing files. */
  public void replaceExisting() {
    if (!replaceOffered.get()) {
      return;
    }
    replaceOffered.set(false);
    List<Preopen> trees = returned;
    Path to = returnTo;
    background.execute(() -> writeTrees(trees, to, true));
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

  /** Whether the chosen reach has a daemon to send to. */
  private boolean reachable() {
    return switch (reach.get()) {
      case ONE -> destination().isPresent();
      case CHOSEN -> !chosen.isEmpty();
      case ALL -> !able().isEmpty();
      case SPREAD -> spread.get() >= 1 && !able().isEmpty();
    };
  }

  /**
   * The live peers that can run the program: any for a local module; for a library, those whose
   * description lists a library of that name (as the CLI keeps those whose announce does).
   */
  private List<ExplorerEvent.PeerChoice> able() {
    if (!(program.get() instanceof Program.Library library)) {
      return List.copyOf(peers);
    }
    String name = library.library().name();
    return peers.stream()
        .filter(
            p -> {
              ExplorerEvent.PeerDescribed d = descriptions.get(p.address().node());
              return d != null
                  && d.description().libraries().stream().anyMatch(l -> l.name().equals(name));
            })
        .toList();
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

  /**
   * Sends the execute request to the chosen reach: on one daemon the outcome (or refusal) appears
   * when it answers; on several, one row per daemon as each ends, then the summary. Attached
   * directories are read and checked first: a bad tree sends nothing.
   */
  public void send() {
    if (!canSend.get()) {
      return;
    }
    Program what = program.get();
    Reach where = reach.get();
    boolean call = mode.get() == Mode.CALL;
    // argv starts with the program's name, as a shell (and the CLI's run) passes it
    List<String> argv = new ArrayList<>();
    if (!call) {
      argv.add(
          what instanceof Program.Library library ? library.library().name() : what.toString());
      argv.addAll(args(commandArgs.get()));
    }
    Map<String, String> environment = call ? Map.of() : env(commandEnv.get());
    byte[] input = call ? new byte[0] : commandStdin.get().getBytes(StandardCharsets.UTF_8);
    Message.Call function =
        call ? new Message.Call(form.get().function(), form.get().values()) : null;
    List<DirArgument> attached = call ? List.of() : List.copyOf(dirs);
    String out = writeBackTo.get().strip();
    List<ExplorerEvent.PeerChoice> candidates =
        switch (where) {
          case ONE -> List.of(destination().orElseThrow());
          case CHOSEN -> List.copyOf(chosen);
          case ALL, SPREAD -> able();
        };
    int wanted = where == Reach.SPREAD ? spread.get() : candidates.size();
    busy.set(true);
    outcome.set(null);
    runs.clear();
    summary.set("");
    writeBack.set("");
    replaceOffered.set(false);
    returned = List.of();
    outcomeText.set(
        "sending "
            + what
            + " to "
            + (where == Reach.ONE
                ? candidates.getFirst().toString()
                : where == Reach.SPREAD
                    ? wanted + " of " + candidates.size() + " daemons by free capacity"
                    : candidates.size() + " daemons")
            + "…");
    background.execute(
        () -> {
          Message.Invocation run;
          Path returnPath = null;
          try {
            // read and checked before anything goes on the network, as the CLI's --dir is
            List<Preopen> trees = DirArgument.readAll(attached);
            if (where == Reach.ONE && !out.isEmpty()) {
              returnPath = Path.of(out);
            }
            run = call ? function : new Message.Command(argv, environment, input, trees);
          } catch (java.nio.file.InvalidPathException bad) {
            end(
                new SendOutcome.NotSent(
                    ErrorCode.IO_UNWRITABLE.code(), out + ": " + bad.getMessage()));
            return;
          } catch (WeverywhereException bad) {
            end(new SendOutcome.NotSent(bad.code().code(), bad.getMessage()));
            return;
          }
          Message.Execute request = new Message.Execute(what.target(), run);
          if (where == Reach.ONE) {
            sendToOne(candidates.getFirst(), request, returnPath);
          } else {
            sendToSeveral(
                what.toString(),
                where == Reach.SPREAD ? ranked(candidates) : candidates,
                wanted,
                request,
                call);
          }
        });
  }

  private void sendToOne(ExplorerEvent.PeerChoice target, Message.Execute request, Path out) {
    SendOutcome ended;
    try {
      ended = new SendOutcome.Ran(client.execute(target.address(), request));
    } catch (WeverywhereException failed) {
      ended =
          failed instanceof ProtocolException p && SAID_NO.contains(p.reason())
              ? new SendOutcome.Refused(
                  p.code().code(),
                  p.getMessage(),
                  p.reason() == ProtocolException.Reason.QUOTA_EXCEEDED
                      ? Optional.of(quotaName(p.getMessage()))
                      : Optional.empty())
              : new SendOutcome.Failed(failed.code().code(), failed.getMessage());
    }
    if (ended instanceof SendOutcome.Ran ran
        && out != null
        && !ran.executed().result().trees().isEmpty()) {
      // written whatever the exit status, as the CLI does: a failed run may still have left files
      writeTrees(ran.executed().result().trees(), out, false);
    }
    end(ended);
  }

  /** Writes the trees back under {@code out}; files in the way are offered for replacing. */
  private void writeTrees(List<Preopen> trees, Path out, boolean force) {
    String said;
    boolean offer = false;
    try {
      List<Path> written = LocalTrees.writeAll(trees, out, force);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < written.size(); i++) {
        lines.add(
            "wrote "
                + trees.get(i).guestPath()
                + " ("
                + trees.get(i).tree().entries().size()
                + " entries) to "
                + written.get(i));
      }
      said = String.join("\n", lines);
    } catch (WeverywhereException failed) {
      offer = failed.code() == ErrorCode.IO_EXISTS;
      said =
          "not written back ["
              + failed.code().code()
              + "]: "
              + (offer
                  ? failed.getMessage().replace("(--force replaces files)", "(Replace confirms)")
                  : failed.getMessage());
    }
    String shown = said;
    boolean replace = offer;
    ui.execute(
        () -> {
          returned = replace ? trees : List.of();
          returnTo = replace ? out : null;
          writeBack.set(shown);
          replaceOffered.set(replace);
        });
  }

  private void end(SendOutcome shown) {
    ui.execute(
        () -> {
          outcome.set(shown);
          outcomeText.set(shown.text());
          busy.set(false);
        });
  }

  /**
   * The candidates best first by the free capacity each describes, as {@code run --spread} orders
   * them ({@link FreeCapacity#BEST_FIRST}, then by name); one that does not say goes last.
   */
  private List<ExplorerEvent.PeerChoice> ranked(List<ExplorerEvent.PeerChoice> candidates) {
    Map<ExplorerEvent.PeerChoice, FreeCapacity> known = new LinkedHashMap<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var asked =
          candidates.stream().map(c -> Map.entry(c, threads.submit(() -> capacityOf(c)))).toList();
      for (var answer : asked) {
        known.put(answer.getKey(), answer.getValue().get());
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return candidates;
    } catch (java.util.concurrent.ExecutionException impossible) {
      throw new IllegalStateException("capacityOf reports every failure as unknown", impossible);
    }
    return known.keySet().stream()
        .sorted(
            java.util.Comparator.<ExplorerEvent.PeerChoice, FreeCapacity>comparing(
                    known::get, FreeCapacity.BEST_FIRST)
                .thenComparing(ExplorerEvent.PeerChoice::name))
        .toList();
  }

  private FreeCapacity capacityOf(ExplorerEvent.PeerChoice peer) {
    try {
      return client.capacity(peer.address());
    } catch (WeverywhereException silent) {
      return FreeCapacity.UNKNOWN;
    }
  }

  /**
   * The CLI's fan-out ({@link FanOut}): {@code wanted} of {@code order} asked at once, a refusal or
   * silence replaced by the next daemon not yet asked, none asked twice; each row is shown as its
   * daemon ends.
   */
  private void sendToSeveral(
      String what,
      List<ExplorerEvent.PeerChoice> order,
      int wanted,
      Message.Execute request,
      boolean call) {
    FanOut.Summary<ExplorerEvent.PeerChoice> done =
        new FanOut<ExplorerEvent.PeerChoice>(FAN_OUT_IN_FLIGHT, FAN_OUT_BOUND)
            .run(
                order,
                wanted,
                p -> client.execute(p.address(), request).result(),
                r -> r.outcome().equals("completed") && (call || r.exit() == 0),
                attempt -> {
                  DaemonRun row = DaemonRun.of(attempt, call);
                  ui.execute(
                      () -> {
                        runs.add(row);
                        outcomeText.set(
                            String.join("\n", runs.stream().map(DaemonRun::text).toList()));
                      });
                });
    long answered = done.count(FanOut.Answered.class);
    long refused = done.count(FanOut.Refused.class);
    long lost = done.count(FanOut.Lost.class);
    long failed = answered - done.succeeded();
    String said =
        what
            + ": "
            + done.succeeded()
            + " of "
            + done.wanted()
            + " succeeded"
            + (failed > 0 ? ", " + failed + " failed" : "")
            + (refused > 0 ? ", " + refused + " refused" : "")
            + (lost > 0 ? ", " + lost + " lost" : "")
            + " ("
            + done.candidates()
            + " daemons could run it; "
            + done.millis()
            + " ms)";
    boolean complete = done.complete();
    ui.execute(
        () -> {
          summary.set(said);
          summaryComplete.set(complete);
          busy.set(false);
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
