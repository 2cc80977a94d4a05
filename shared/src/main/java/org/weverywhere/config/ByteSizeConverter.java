package org.weverywhere.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Lets beans inject {@code @ConfigProperty ByteSize} from text like {@code 512MiB}. */
public final class ByteSizeConverter implements Converter<ByteSize> {
  private static final long serialVersionUID = 1L;

  @Override
  public ByteSize convert(String value) {
    return value == null || value.isBlank() ? null : ByteSize.parse(value);
  }
}
