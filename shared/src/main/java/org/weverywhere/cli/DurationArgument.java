package org.weverywhere.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Pattern;
import org.weverywhere.config.DurationFormat;
import org.weverywhere.config.InvalidValueException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration on the command line, in the configuration's notation ({@code 500ms}, {@code 2s},
 * {@code 5m}, {@code 1h}, {@code 7d}, see {@link DurationFormat}) so that one spelling works in
 * both places; a plain number is seconds, as the options took before they had units. Registered
 * once for every {@link Duration} option in {@link Main#commandLine()}.
 */
final class DurationArgument implements ITypeConverter<Duration> {
  /** Seconds, as {@code --timeout 3} or {@code --timeout 0.5} were written before units. */
  private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");

  /** The configuration refuses a zero duration; an option may mean "do not wait" by it. */
  private static final Pattern ZERO = Pattern.compile("0{1,18} ?(ms|s|m|h|d)");

  @Override
  public Duration convert(String text) {
    String value = text.strip();
    if (SECONDS.matcher(value).matches()) {
      // nanosecond precision at most: 9 fraction digits, so the conversion is exact
      return Duration.ofNanos(new BigDecimal(value).movePointRight(9).longValueExact());
    }
    if (ZERO.matcher(value).matches()) {
      return Duration.ZERO;
    }
    try {
      return DurationFormat.parse(value);
    } catch (InvalidValueException bad) {
      throw new TypeConversionException(bad.getMessage() + " (or a number of seconds)");
    }
  }
}
