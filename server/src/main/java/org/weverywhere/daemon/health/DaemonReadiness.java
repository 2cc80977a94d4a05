package org.weverywhere.daemon.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.weverywhere.daemon.Daemon;

/** Ready once the daemon has started with a valid configuration and while its sockets are bound. */
@Readiness
@ApplicationScoped
public class DaemonReadiness implements HealthCheck {
  private final Daemon daemon;

  @Inject
  public DaemonReadiness(Daemon daemon) {
    this.daemon = daemon;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("weverywhere-daemon")
        .withData("nodeId", daemon.identity().nodeId().toString())
        .withData("configuration", daemon.config().location());
    daemon.startedAt().ifPresent(at -> response.withData("since", at.toString()));
    return response.status(daemon.ready()).build();
  }
}
