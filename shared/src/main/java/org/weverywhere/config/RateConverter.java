package org.weverywhere.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets beans inject {@code @ConfigProperty Rate} from text like {@code 10MiB/s}. */
public final class RateConverter implements Converter<Rate> {
  private static final long serialVersionUID = 1L;

  @Override
  public Rate convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Rate.parse(value);
    } catch (InvalidValueException bad) {
      // the MicroProfile contract: a value that does not convert is an IllegalArgumentException
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
