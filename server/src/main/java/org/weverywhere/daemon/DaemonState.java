package org.weverywhere.daemon;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.weverywhere.config.Config;

/** Produces what the daemon owns on disk: its state directory and the host identity kept there. */
@ApplicationScoped
public class DaemonState {
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

  /** For tests that pass their own environment. */
  static StateDirectory stateDirectory(Config config, Map<String, String> environment) {
    return StateDirectory.resolve(config, environment);
  }
}
