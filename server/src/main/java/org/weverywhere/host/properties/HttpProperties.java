package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.Rate;

/**
 * {@code http.*}: the bulk channel. All read at start (on Liberty the listener itself is
 * server.xml's, which takes the same port from {@code WEVERYWHERE_HTTP_PORT}).
 */
@ConfigProperties(prefix = "http")
@Dependent
public class HttpProperties {
  private String host;
  private int port;

  @ConfigProperty(name = "unverified.max-total")
  private ByteSize unverifiedMaxTotal;

  @ConfigProperty(name = "unverified.large-per-source")
  private int unverifiedLargePerSource;

  @ConfigProperty(name = "unverified.stranger-rate")
  private Rate unverifiedStrangerRate;

  @ConfigProperty(name = "stranger-refusal.delay")
  private Duration strangerRefusalDelay;

  @ConfigProperty(name = "stranger-refusal.max-held")
  private int strangerRefusalMaxHeld;

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public ByteSize unverifiedMaxTotal() {
    return unverifiedMaxTotal;
  }

  public int unverifiedLargePerSource() {
    return unverifiedLargePerSource;
  }

  /**
   * Bytes per second of bodies one source address of strangers may send before they are checked.
   */
  public Rate unverifiedStrangerRate() {
    return unverifiedStrangerRate;
  }

  /** How long a refusal of a stranger's unread body is held back before it is sent. */
  public Duration strangerRefusalDelay() {
    return strangerRefusalDelay;
  }

  /** How many such refusals may be held at once; beyond, they are sent at once. */
  public int strangerRefusalMaxHeld() {
    return strangerRefusalMaxHeld;
  }
}
