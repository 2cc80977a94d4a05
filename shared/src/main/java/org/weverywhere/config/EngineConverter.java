package org.weverywhere.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets beans take {@code executor.engine} as an {@link Engine} from its configuration name ({@code
 * chicory}, {@code wasmtime}): MicroProfile's implicit {@code valueOf} would want {@code CHICORY}.
 */
public final class EngineConverter implements Converter<Engine> {
  private static final long serialVersionUID = 1L;

  @Override
  public Engine convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return ConfigValueType.ENGINE.parse(value);
    } catch (InvalidValueException bad) {
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
