package org.weverywhere.config;

/**
 * A traffic rate in bytes per second, written as a size followed by {@code /s}, e.g. {@code
 * 10MiB/s}.
 */
public record Rate(ByteSize perSecond) {
  private static final String EXPECTED = "a rate like 10MiB/s or 500kB/s";

  public Rate {
    java.util.Objects.requireNonNull(perSecond, "perSecond");
  }

  public long bytesPerSecond() {
    return perSecond.bytes();
  }

  public static Rate parse(String text) {
    String trimmed = text.strip();
    if (!trimmed.endsWith("/s")) {
      throw InvalidValueException.expected(EXPECTED, text);
    }
    try {
      return new Rate(ByteSize.parse(trimmed.substring(0, trimmed.length() - 2)));
    } catch (InvalidValueException badSize) {
      throw new InvalidValueException(
          "expected "
              + EXPECTED
              + ", got '"
              + ValueText.quote(text)
              + "': "
              + badSize.getMessage());
    }
  }

  @Override
  public String toString() {
    return perSecond + "/s";
  }
}
