package org.weverywhere.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets beans inject {@code @ConfigProperty Rate} from text like {@code 10MiB/s}. */
public final class RateConverter implements Converter<Rate> {
  private static final long serialVersionUID = 1L;

  @Override
  public Rate convert(String value) {
    return value == null || value.isBlank() ? null : Rate.parse(value);
  }
}
