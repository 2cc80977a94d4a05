package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ByteSize;

/** {@code protocol.idempotency.*}: how request keys and their results are kept. Read at start. */
@ConfigProperties(prefix = "protocol.idempotency")
@Dependent
public class IdempotencyProperties {
  private Duration window;
  private int entries;

  @ConfigProperty(name = "max-bytes")
  private ByteSize maxBytes;

  public Duration window() {
    return window;
  }

  public int entries() {
    return entries;
  }

  public ByteSize maxBytes() {
    return maxBytes;
  }
}
