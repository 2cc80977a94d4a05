package org.weverywhere.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written with SI ({@code kB MB GB TB PB EB}, powers of 1000) or IEC ({@code KiB
 * MiB GiB TiB PiB EiB}, powers of 1024) units, e.g. {@code 512MiB}, {@code 1.5GiB}, {@code 10MB} or
 * plain {@code 4096}. A fraction is accepted only when it names a whole number of bytes.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
  private static final Pattern SYNTAX =
      Pattern.compile("([0-9]{1,30})(?:\\.([0-9]{1,30}))? ?([A-Za-z]{0,3})");
  private static final String EXPECTED = "a size like 512MiB, 1.5GiB, 10MB or 4096";

  /** Largest first, so that {@link #toString()} picks the biggest unit that divides exactly. */
  private static final List<Map.Entry<String, Long>> UNITS =
      List.of(
          Map.entry("EiB", 1L << 60),
          Map.entry("PiB", 1L << 50),
          Map.entry("TiB", 1L << 40),
          Map.entry("GiB", 1L << 30),
          Map.entry("MiB", 1L << 20),
          Map.entry("KiB", 1L << 10),
          Map.entry("EB", 1_000_000_000_000_000_000L),
          Map.entry("PB", 1_000_000_000_000_000L),
          Map.entry("TB", 1_000_000_000_000L),
          Map.entry("GB", 1_000_000_000L),
          Map.entry("MB", 1_000_000L),
          Map.entry("kB", 1_000L));

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size is never negative: " + bytes);
    }
  }

  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  public static ByteSize ofMebibytes(long mebibytes) {
    return new ByteSize(Math.multiplyExact(mebibytes, 1L << 20));
  }

  /** Parses the notation described on the type; the message of a failure says what was expected. */
  public static ByteSize parse(String text) {
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw InvalidValueException.expected(EXPECTED, text);
    }
    String unit = m.group(3);
    long multiplier = multiplier(unit, text);
    BigDecimal number =
        new BigDecimal(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
    BigDecimal bytes = number.multiply(BigDecimal.valueOf(multiplier));
    BigInteger whole;
    try {
      whole = bytes.toBigIntegerExact();
    } catch (ArithmeticException notWhole) {
      throw new InvalidValueException(
          "'"
              + ValueText.quote(text)
              + "' is not a whole number of bytes ("
              + bytes.toPlainString()
              + ")");
    }
    if (whole.bitLength() > 63) {
      throw new InvalidValueException(
          "'"
              + ValueText.quote(text)
              + "' is too large: a size is at most "
              + Long.MAX_VALUE
              + " bytes");
    }
    return new ByteSize(whole.longValueExact());
  }

  private static long multiplier(String unit, String text) {
    if (unit.isEmpty() || unit.equals("B")) {
      return 1;
    }
    for (Map.Entry<String, Long> known : UNITS) {
      if (known.getKey().equals(unit)) {
        return known.getValue();
      }
    }
    String upper = unit.toUpperCase(java.util.Locale.ROOT);
    if (upper.length() <= 2
        && "KMGTPE".indexOf(upper.charAt(0)) >= 0
        && (upper.length() == 1 || upper.charAt(1) == 'B')) {
      char prefix = upper.charAt(0);
      String si = (prefix == 'K' ? "k" : String.valueOf(prefix)) + "B";
      throw new InvalidValueException(
          "unit '"
              + unit
              + "' in '"
              + ValueText.quote(text)
              + "' is ambiguous: write "
              + prefix
              + "iB (powers of 1024) or "
              + si
              + " (powers of 1000)");
    }
    throw InvalidValueException.expected(EXPECTED, text);
  }

  @Override
  public int compareTo(ByteSize other) {
    return Long.compare(bytes, other.bytes);
  }

  /**
   * The shortest exact notation, e.g. {@code 1536MiB} for 1.5GiB, so that it parses back to the
   * same size.
   */
  @Override
  public String toString() {
    if (bytes == 0) {
      return "0";
    }
    for (Map.Entry<String, Long> unit : UNITS) {
      if (bytes % unit.getValue() == 0) {
        return bytes / unit.getValue() + unit.getKey();
      }
    }
    return Long.toString(bytes);
  }
}
