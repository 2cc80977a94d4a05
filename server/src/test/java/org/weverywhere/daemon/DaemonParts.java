package org.weverywhere.daemon;

import java.util.List;
import org.weverywhere.control.ControlActions;
import org.weverywhere.control.ControlEndpoint;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.ConfigValidation;
import org.weverywhere.host.DaemonConfiguration;
import org.weverywhere.host.Intake;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.properties.CallProperties;
import org.weverywhere.host.properties.ControlProperties;
import org.weverywhere.host.properties.EventsProperties;
import org.weverywhere.host.properties.ExecutorProperties;
import org.weverywhere.host.properties.HostQuotaProperties;
import org.weverywhere.host.properties.HttpProperties;
import org.weverywhere.host.properties.IdempotencyProperties;
import org.weverywhere.host.properties.LibrariesProperties;
import org.weverywhere.host.properties.NetworkProperties;
import org.weverywhere.host.properties.NodeProperties;
import org.weverywhere.host.properties.PeersProperties;
import org.weverywhere.host.properties.ProtocolProperties;
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
          org.weverywhere.service.ServiceImports.class,
          // the configuration sections beans inject (MicroProfile @ConfigProperties)
          CallProperties.class,
          ControlProperties.class,
          EventsProperties.class,
          ExecutorProperties.class,
          HostQuotaProperties.class,
          HttpProperties.class,
          IdempotencyProperties.class,
          LibrariesProperties.class,
          NetworkProperties.class,
          NodeProperties.class,
          PeersProperties.class,
          ProtocolProperties.class);

  /**
   * MicroProfile Config's CDI side, as Liberty's mpConfig feature provides it: the {@code Config}
   * bean and {@code @ConfigProperty} injection (SmallRye's extension; Weld SE without discovery
   * loads no extension by itself).
   */
  public static jakarta.enterprise.inject.spi.Extension configExtension() {
    return new io.smallrye.config.inject.ConfigExtension();
  }

  /**
   * The daemon's own check of its configuration before any injection, which the WAR registers in
   * {@code META-INF/services}.
   */
  public static jakarta.enterprise.inject.spi.Extension configValidation() {
    return new ConfigValidation();
  }

  /** As {@link #weld()}, the container named {@code id}: several daemons in one JVM. */
  public static org.jboss.weld.environment.se.Weld weld(String id) {
    return weld().containerId(id);
  }

  /**
   * A Weld SE of the whole daemon. Its configuration is the MicroProfile Config of the thread's
   * context class loader when it starts ({@link ContainerConfig}, {@link TestDaemonConfig}).
   */
  public static org.jboss.weld.environment.se.Weld weld() {
    return new org.jboss.weld.environment.se.Weld()
        .disableDiscovery()
        .addBeanClasses(CLASSES.toArray(Class[]::new))
        .addExtension(configExtension())
        .addExtension(configValidation());
  }

  private DaemonParts() {}
}
