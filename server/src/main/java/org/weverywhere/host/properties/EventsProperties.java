package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ByteSize;

/** {@code events.*}: the event journal and the refusal summaries. All read at start. */
// @Dependent: the application's beans.xml discovers annotated classes only, and MicroProfile
// Config's extension must see this one to map it
@ConfigProperties(prefix = "events")
@Dependent
public class EventsProperties {
  @ConfigProperty(name = "journal.dir")
  private Optional<Path> journalDir;

  @ConfigProperty(name = "journal.max-file-size")
  private ByteSize journalMaxFileSize;

  @ConfigProperty(name = "journal.retention")
  private Duration journalRetention;

  @ConfigProperty(name = "journal.max-total-size")
  private ByteSize journalMaxTotalSize;

  @ConfigProperty(name = "refusals.interval")
  private Duration refusalsInterval;

  /** The journal's directory when set; else events/ in the state directory. */
  public Optional<Path> journalDir() {
    return journalDir;
  }

  public ByteSize journalMaxFileSize() {
    return journalMaxFileSize;
  }

  public Duration journalRetention() {
    return journalRetention;
  }

  public ByteSize journalMaxTotalSize() {
    return journalMaxTotalSize;
  }

  /** How often refused requests are summed up into one journal event. */
  public Duration refusalsInterval() {
    return refusalsInterval;
  }
}
