package org.weverywhere.daemon;

import java.util.List;
import org.weverywhere.control.ControlActions;
import org.weverywhere.control.ControlEndpoint;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.DaemonConfiguration;
import org.weverywhere.host.Intake;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.traffic.TrafficBeans;

/**
 * The bean classes of a whole daemon (less the HTTP channel, which Liberty serves), for Weld SE.
 */
public final class DaemonParts {
  public static final List<Class<?>> CLASSES =
      List.of(
          DaemonConfiguration.class,
          DaemonState.class,
          Daemon.class,
          Endpoints.class,
          TrafficBeans.class,
          Executor.class,
          ExecutorBeans.class,
          ExecutionConfiguration.class,
          RunningConfig.class,
          Intake.class,
          ControlActions.class,
          ControlEndpoint.class,
          org.weverywhere.service.Services.class,
          org.weverywhere.service.ServiceImports.class);

  private DaemonParts() {}
}
