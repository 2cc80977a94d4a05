package org.weverywhere.daemon;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.weverywhere.config.Config;
import org.weverywhere.events.EventJournal;
import org.weverywhere.exec.host.ObservedDisk;
import org.weverywhere.host.ConfigChanged;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.StateDirectory;
import org.weverywhere.host.properties.EventsProperties;
import org.weverywhere.host.properties.LibrariesProperties;
import org.weverywhere.store.BuiltinLibraries;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.store.StoreException;

/**
 * Produces what the daemon owns on disk: state directory, host identity, event journal, library
 * store.
 */
@ApplicationScoped
public class DaemonState {
  private static final Logger LOG = Logger.getLogger(DaemonState.class.getName());

  @Produces
  @Singleton
  StateDirectory stateDirectory(Config config) {
    return StateDirectory.resolve(config, System.getenv());
  }

  @Produces
  @Singleton
  HostIdentity hostIdentity(StateDirectory state) {
    return HostIdentity.loadOrCreate(state);
  }

  /**
   * The event journal: events.journal.dir, else events/ in the state directory, with the limits of
   * its section. Read at start: the journal keeps its files and limits until a restart.
   */
  @Produces
  @Singleton
  EventJournal eventJournal(
      StateDirectory state, HostIdentity identity, @ConfigProperties EventsProperties events) {
    Path dir = events.journalDir().orElse(state.path().resolve("events"));
    return EventJournal.open(
        dir,
        events.journalMaxFileSize().bytes(),
        events.journalRetention(),
        events.journalMaxTotalSize().bytes(),
        identity.nodeId().toString());
  }

  /** The disk host facts describe the filesystem the daemon keeps its state on. */
  @Produces
  @Singleton
  ObservedDisk observedDisk(StateDirectory state) {
    return new ObservedDisk(state.path());
  }

  void closeJournal(@Disposes EventJournal journal) {
    journal.close();
  }

  /** The library store under the state directory, with libraries.dir published into it. */
  @Produces
  @Singleton
  LibraryStore libraryStore(StateDirectory state, @ConfigProperties LibrariesProperties libraries) {
    LibraryStore store =
        LibraryStore.open(
            state.path().resolve("store").resolve("modules"), libraries.maxModuleSize().bytes());
    libraries
        .dir()
        .ifPresent(
            dir ->
                store
                    .publishDirectory(dir)
                    .forEach(problem -> LOG.warning("libraries.dir: " + problem.getMessage())));
    offerBuiltins(store, libraries);
    return store;
  }

  /**
   * libraries.builtin and libraries.builtin.disabled apply at once, as a reload or set changes
   * them.
   */
  void builtinsChanged(@Observes ConfigChanged change, LibraryStore store, RunningConfig running) {
    // read again, not the injected section: that one keeps the values the daemon started with
    offerBuiltins(store, running.section(LibrariesProperties.class));
  }

  private List<BuiltinLibraries.Builtin> shipped;

  private void offerBuiltins(LibraryStore store, LibrariesProperties libraries) {
    boolean enabled = libraries.builtin();
    if (enabled && shipped == null) {
      try {
        shipped = BuiltinLibraries.shipped();
      } catch (StoreException missing) {
        // a daemon without its probes still serves everything else; the log says why they are
        // absent
        LOG.warning(missing.code().code() + " " + missing.getMessage());
        shipped = List.of();
      }
    }
    store.offerBuiltins(
        BuiltinLibraries.chosen(
            enabled ? shipped : List.of(), enabled, Set.copyOf(libraries.builtinDisabled())));
  }
}
