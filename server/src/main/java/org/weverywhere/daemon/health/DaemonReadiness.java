package org.weverywhere.daemon.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.host.Intake;

/**
 * Ready once the daemon has started with a valid configuration, while its sockets are bound, its
 * receiving loops run and its event journal takes events (each problem is named in the data), and
 * while it is not draining (a draining daemon takes no new work, so a balancer should look
 * elsewhere).
 */
@Readiness
@ApplicationScoped
public class DaemonReadiness implements HealthCheck {
  private final Daemon daemon;
  private final Intake intake;

  @Inject
  public DaemonReadiness(Daemon daemon, Intake intake) {
    this.daemon = daemon;
    this.intake = intake;
  }

  @Override
  public HealthCheckResponse call() {
    var response =
        HealthCheckResponse.named("weverywhere-daemon")
            .withData("nodeId", daemon.identity().nodeId().toString())
            .withData("configuration", daemon.config().location());
    daemon.startedAt().ifPresent(at -> response.withData("since", at.toString()));
    boolean draining = intake.draining();
    response.withData("draining", draining);
    var problems = daemon.problems();
    for (int i = 0; i < problems.size(); i++) {
      response.withData("problem" + (i + 1), problems.get(i));
    }
    return response.status(daemon.ready() && !draining).build();
  }
}
