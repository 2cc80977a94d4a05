package org.weverywhere.host;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks the daemon's configuration before MicroProfile Config's own extension fills any
 * {@code @ConfigProperties} or {@code @ConfigProperty} injection, so that a bad value is reported
 * as the configuration reports it (a WE code, and the file and line, the environment variable or
 * the system property) rather than as a converter's message, and a daemon never deploys on it.
 */
public class ConfigValidation implements Extension {
  void validate(
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE)
          AfterDeploymentValidation deployed) {
    // thrown, not added as a deployment problem: an observer's exception ends the event, so the
    // host owner reads this one report and not also the converters' messages for the same value
    DaemonConfiguration.check(
        ConfigProvider.getConfig(Thread.currentThread().getContextClassLoader()));
  }
}
