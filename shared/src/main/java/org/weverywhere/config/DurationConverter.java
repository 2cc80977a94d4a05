package org.weverywhere.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets beans inject {@code @ConfigProperty Duration} from text like {@code 30s}. ISO-8601 ({@code
 * PT30S}) is still accepted, because this converter replaces the implicit one for every Duration in
 * the application, including libraries' own properties.
 */
public final class DurationConverter implements Converter<Duration> {
  private static final long serialVersionUID = 1L;

  @Override
  public Duration convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.strip();
    if (trimmed.startsWith("P") || trimmed.startsWith("-P")) {
      try {
        return Duration.parse(trimmed);
      } catch (DateTimeParseException notIso) {
        throw new IllegalArgumentException(
            "'" + ValueText.quote(value) + "' is not an ISO-8601 duration like PT30S", notIso);
      }
    }
    try {
      return DurationFormat.parse(trimmed);
    } catch (InvalidValueException bad) {
      // the MicroProfile contract: a value that does not convert is an IllegalArgumentException
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
