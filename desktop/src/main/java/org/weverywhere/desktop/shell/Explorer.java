package org.weverywhere.desktop.shell;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import java.io.File;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.weverywhere.WeverywhereException;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.DaemonPaths;
import org.weverywhere.desktop.browse.BrowseModel;
import org.weverywhere.desktop.browse.BrowseView;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.client.ProtocolNetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.desktop.fleet.FleetModel;
import org.weverywhere.desktop.fleet.FleetView;
import org.weverywhere.desktop.identity.IdentityModel;
import org.weverywhere.desktop.identity.IdentityView;
import org.weverywhere.desktop.journal.EventsModel;
import org.weverywhere.desktop.journal.EventsView;
import org.weverywhere.desktop.modules.ModulesModel;
import org.weverywhere.desktop.modules.ModulesView;
import org.weverywhere.desktop.peers.PeersModel;
import org.weverywhere.desktop.peers.PeersView;
import org.weverywhere.desktop.submit.SubmitModel;
import org.weverywhere.desktop.submit.SubmitView;
import org.weverywhere.net.InterfaceChoice;
import org.weverywhere.net.MulticastGroups;

/**
 * The explorer put together: one network client, one event bus, the screens' models and views in
 * tabs, a menu with the keyboard shortcuts, the theme, and the remembered window layout.
 */
public final class Explorer {
  /**
   * Where the explorer looks and keeps its files.
   *
   * @param interfaces where discovery sends and listens
   * @param ttl multicast hops for discover: 1 reaches the link, 0 stays on this host
   * @param silence how long a peer may go unheard before it fades
   * @param controlSocket the local daemon's control socket, for the Events screen
   */
  public record Options(
      MulticastGroups groups,
      List<NetworkInterface> interfaces,
      int ttl,
      Path configDirectory,
      Path keyDirectory,
      Duration silence,
      Duration fade,
      Path controlSocket) {
    public Options {
      interfaces = List.copyOf(interfaces);
    }

    /**
     * The defaults: standard groups, every multicast-capable interface that is up, the link,
     * ~/.config/weverywhere.
     */
    public static Options defaults() throws SocketException {
      return of(List.of());
    }

    /**
     * The defaults changed by the command line: {@code --interface NAME} (repeatable) listens and
     * discovers there only (loopback alone keeps every datagram on this host, TTL 0), {@code --port
     * N} uses another discovery port (a daemon's {@code network.port}).
     *
     * @throws IllegalArgumentException with a one-line reason for an unknown option or a bad value
     */
    public static Options of(List<String> args) throws SocketException {
      List<String> named = new ArrayList<>();
      MulticastGroups groups = MulticastGroups.DEFAULT;
      for (int i = 0; i < args.size(); i++) {
        String option = args.get(i);
        if (!option.equals("--interface") && !option.equals("--port")) {
          throw new IllegalArgumentException(
              "unknown option '" + option + "' (known: --interface NAME, --port N)");
        }
        if (i + 1 == args.size()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args.get(++i);
        if (option.equals("--interface")) {
          named.add(value);
        } else {
          int port;
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException notANumber) {
            port = -1;
          }
          if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                "--port " + value + ": expected a UDP port, 1 to 65535");
          }
          groups = groups.withPort(port);
        }
      }
      InterfaceChoice chosen;
      try {
        chosen = named.isEmpty() ? InterfaceChoice.all() : InterfaceChoice.named(named);
      } catch (InterfaceChoice.UnknownInterfaceException unknown) {
        throw new IllegalArgumentException(
            "--interface " + unknown.name() + ": this host has no such interface", unknown);
      }
      Path config = Path.of(System.getProperty("user.home"), ".config", "weverywhere");
      return new Options(
          groups,
          chosen.interfaces(),
          chosen.ttl(),
          config,
          config.resolve("keys"),
          Duration.ofSeconds(90),
          Duration.ofSeconds(10),
          localControlSocket());
    }

    /** Where the local daemon's socket is, found as `weverywhere ctl` finds it. */
    static Path localControlSocket() {
      var environment = System.getenv();
      try {
        var daemonConfig =
            ConfigLoader.withEnvironment(environment).load(ConfigLoader.locate(null, environment));
        return DaemonPaths.of(daemonConfig, environment).controlSocket();
      } catch (WeverywhereException unreadable) {
        // the Events screen then says there is no socket there, which is the truth for this user
        return Path.of("/run/weverywhere/control.sock");
      }
    }
  }

  private static final String[] SCREENS = {
    "Peers", "Browse", "Modules", "Submit", "Identity", "Events", "Fleet"
  };

  private final Options config;
  private final ExplorerSettings settings;
  private final EventBus bus = new EventBus();
  private final ExecutorService network =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("explorer-network-", 0).factory());
  private final IdentityModel identity;
  private final NetworkClient client;
  private final PeersModel peers;
  private final ModulesModel modules;
  private final SubmitModel submit;
  private final BrowseModel browse;
  private final EventsModel events;
  private final FleetModel fleet;
  private final ReadOnlyBooleanWrapper dark = new ReadOnlyBooleanWrapper(this, "dark");
  private PeersView peersView;
  private FleetView fleetView;
  private TabPane tabs;

  public Explorer(Options config) {
    this.config = config;
    this.settings = ExplorerSettings.load(config.configDirectory().resolve("explorer.properties"));
    this.identity = new IdentityModel(bus, config.keyDirectory());
    settings.text("identity.key").map(Path::of).ifPresent(identity::choose);
    this.client =
        new ProtocolNetworkClient(
            identity::signer,
            config.groups(),
            config.interfaces(),
            config.ttl(),
            Clock.systemUTC());
    this.peers =
        new PeersModel(
            client,
            bus,
            network,
            Platform::runLater,
            Clock.systemUTC(),
            config.silence(),
            config.fade());
    this.modules = new ModulesModel(bus, network, Platform::runLater);
    this.submit = new SubmitModel(client, bus, network, Platform::runLater);
    this.browse = new BrowseModel(client, bus, network, Platform::runLater);
    this.events = new EventsModel(config::controlSocket, network, Platform::runLater);
    this.fleet =
        new FleetModel(
            client, bus, network, Platform::runLater, Clock.systemUTC(), config::controlSocket);
    bus.subscribe(
        ExplorerEvent.IdentityChanged.class,
        changed -> settings.put("identity.key", changed.privateKey()));
    settings
        .text("submit.program")
        .ifPresent(label -> submit.prefer(label, settings.text("submit.function").orElse("")));
  }

  public PeersModel peers() {
    return peers;
  }

  public ModulesModel modules() {
    return modules;
  }

  public SubmitModel submit() {
    return submit;
  }

  public BrowseModel browse() {
    return browse;
  }

  public EventsModel events() {
    return events;
  }

  public FleetModel fleet() {
    return fleet;
  }

  public IdentityModel identity() {
    return identity;
  }

  public ExplorerSettings settings() {
    return settings;
  }

  public ReadOnlyBooleanProperty darkProperty() {
    return dark.getReadOnlyProperty();
  }

  /**
   * Switches between the light and dark AtlantaFX themes (application-wide, as JavaFX styles are).
   */
  public void useDarkTheme(boolean on) {
    Application.setUserAgentStylesheet(
        on
            ? new PrimerDark().getUserAgentStylesheet()
            : new PrimerLight().getUserAgentStylesheet());
    dark.set(on);
    settings.put("theme", on ? "dark" : "light");
  }

  /** Builds the window's content; call on the FX thread, once. */
  public Parent root() {
    useDarkTheme(settings.text("theme").map("dark"::equals).orElse(false));
    peersView = new PeersView(peers, Clock.systemUTC());
    fleetView = new FleetView(fleet);
    ModulesView modulesView =
        new ModulesView(
            modules,
            () -> settings.text("modules.directory").map(Path::of).orElse(null),
            dir -> settings.put("modules.directory", dir));
    tabs =
        new TabPane(
            tab(SCREENS[0], peersView),
            tab(SCREENS[1], new BrowseView(browse)),
            tab(SCREENS[2], modulesView),
            tab(SCREENS[3], new SubmitView(submit)),
            tab(SCREENS[4], new IdentityView(identity, System.getProperty("user.name", "default"))),
            tab(SCREENS[5], new EventsView(events)),
            tab(SCREENS[6], fleetView));
    tabs.setId("screens");
    tabs.getSelectionModel()
        .select((int) Math.max(0, Math.min(SCREENS.length - 1, settings.number("screen", 0))));
    tabs.getSelectionModel()
        .selectedIndexProperty()
        .addListener((o, old, now) -> settings.put("screen", now));

    MenuItem open = item("_Open module…", "Shortcut+O", modulesView::chooseFiles);
    // hiding the window (rather than Platform.exit) runs the same close path as the window's X:
    // layout saved
    MenuItem quit = item("_Quit", "Shortcut+Q", () -> tabs.getScene().getWindow().hide());
    MenuItem discover = item("_Discover", "Shortcut+D", peers::discover);
    discover.disableProperty().bind(peers.discoveringProperty());
    CheckMenuItem darkItem = new CheckMenuItem("_Dark theme");
    darkItem.setAccelerator(KeyCombination.keyCombination("Shortcut+T"));
    darkItem.setSelected(dark.get());
    darkItem.selectedProperty().addListener((o, old, now) -> useDarkTheme(now));
    Menu view = new Menu("_View", null, darkItem);
    for (int i = 0; i < SCREENS.length; i++) {
      int index = i;
      view.getItems()
          .add(
              item(
                  SCREENS[i], "Shortcut+" + (i + 1), () -> tabs.getSelectionModel().select(index)));
    }
    MenuBar menu =
        new MenuBar(
            new Menu("_File", null, open, quit), new Menu("_Network", null, discover), view);

    BorderPane root = new BorderPane(tabs);
    root.setTop(menu);
    peers.startListening();
    // the modules open last time come back (those still there), and with them Submit's last choice
    List<Path> reopen =
        settings.text("modules.files").stream()
            .flatMap(files -> Arrays.stream(files.split(File.pathSeparator)))
            .flatMap(Explorer::path)
            .filter(Files::isRegularFile)
            .toList();
    if (!reopen.isEmpty()) {
      modules.open(reopen);
    }
    return root;
  }

  /**
   * Shows the explorer in {@code stage} where it was last time, and saves its layout when it
   * closes.
   */
  public void show(Stage stage) {
    Scene scene =
        new Scene(
            root(), settings.number("window.width", 1100), settings.number("window.height", 700));
    stage.setTitle("WEverywhere explorer");
    stage.setScene(scene);
    settings.text("window.x").ifPresent(x -> stage.setX(settings.number("window.x", 0)));
    settings.text("window.y").ifPresent(y -> stage.setY(settings.number("window.y", 0)));
    stage.setMaximized(settings.text("window.maximized").map(Boolean::parseBoolean).orElse(false));
    stage.setOnHidden(
        e -> {
          if (!stage.isMaximized()) {
            settings.put("window.x", stage.getX());
            settings.put("window.y", stage.getY());
            settings.put("window.width", stage.getWidth());
            settings.put("window.height", stage.getHeight());
          }
          settings.put("window.maximized", stage.isMaximized());
          close();
        });
    stage.show();
  }

  /** Stops listening and the timers and writes the settings. */
  public void close() {
    settings.put(
        "modules.files",
        modules.modules().isEmpty()
            ? null
            : String.join(
                File.pathSeparator,
                modules.modules().stream()
                    .map(m -> m.file().toAbsolutePath().toString())
                    .toList()));
    if (submit.programProperty().get() != null) {
      settings.put("submit.program", submit.programProperty().get().toString());
      settings.put(
          "submit.function",
          submit.formProperty().get() == null ? null : submit.formProperty().get().function());
    }
    peers.stopListening();
    events.stop();
    fleet.stop();
    if (peersView != null) {
      peersView.stop();
    }
    if (fleetView != null) {
      fleetView.stop();
    }
    network.shutdownNow();
    try {
      settings.save();
    } catch (IOException unwritable) {
      // the explorer still closes; only the layout is not remembered
      System.err.println(
          "weverywhere explorer: cannot save " + settings.file() + ": " + unwritable.getMessage());
    }
  }

  /**
   * Selects screen {@code index} (0 Peers, 1 Browse, 2 Modules, 3 Submit, 4 Identity, 5 Events, 6
   * Fleet).
   */
  public void showScreen(int index) {
    tabs.getSelectionModel().select(index);
  }

  /** A remembered path, or nothing when the settings file holds one this system cannot name. */
  private static java.util.stream.Stream<Path> path(String text) {
    try {
      return java.util.stream.Stream.of(Path.of(text));
    } catch (java.nio.file.InvalidPathException unnamable) {
      return java.util.stream.Stream
          .empty(); // an edited or foreign settings file; the module is simply not reopened
    }
  }

  private static Tab tab(String title, javafx.scene.Node content) {
    Tab tab = new Tab(title, content);
    tab.setClosable(false);
    return tab;
  }

  private static MenuItem item(String text, String accelerator, Runnable action) {
    MenuItem item = new MenuItem(text);
    item.setAccelerator(KeyCombination.keyCombination(accelerator));
    item.setOnAction(e -> action.run());
    return item;
  }
}
