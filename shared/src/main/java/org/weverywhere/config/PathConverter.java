package org.weverywhere.config;

import java.nio.file.Path;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets beans take a path key ({@code events.journal.dir}, {@code control.socket}) as a {@link
 * Path}, checked as the files are: MicroProfile Config has no implicit converter for Path ({@code
 * Path.of} takes varargs).
 */
public final class PathConverter implements Converter<Path> {
  private static final long serialVersionUID = 1L;

  @Override
  public Path convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return ConfigValueType.PATH.parse(value);
    } catch (InvalidValueException bad) {
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
