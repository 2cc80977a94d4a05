package org.weverywhere.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets beans take {@code host.quota.cores} as {@link Cores}. Registered explicitly: MicroProfile's
 * implicit converters look for {@code parse(CharSequence)}, and Cores parses a String.
 */
public final class CoresConverter implements Converter<Cores> {
  private static final long serialVersionUID = 1L;

  @Override
  public Cores convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Cores.parse(value);
    } catch (InvalidValueException bad) {
      // the MicroProfile contract: a value that does not convert is an IllegalArgumentException
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
