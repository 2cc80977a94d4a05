package org.weverywhere.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets beans inject {@code @ConfigProperty ByteSize} from text like {@code 512MiB}. */
public final class ByteSizeConverter implements Converter<ByteSize> {
  private static final long serialVersionUID = 1L;

  @Override
  public ByteSize convert(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return ByteSize.parse(value);
    } catch (InvalidValueException bad) {
      // the MicroProfile contract: a value that does not convert is an IllegalArgumentException
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
