package org.weverywhere.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration notation of the configuration: a whole positive number and one unit, {@code ms},
 * {@code s}, {@code m}, {@code h} or {@code d}, e.g. {@code 500ms}, {@code 30s}, {@code 7d}. One
 * unit only, so that every value has exactly one spelling to grep for.
 */
public final class DurationFormat {
  private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,18}) ?(ms|s|m|h|d)");
  private static final String EXPECTED = "a duration like 500ms, 30s, 5m, 1h or 7d";

  /**
   * A hundred years: longer is a typo, and the bound keeps every value convertible to milliseconds.
   */
  public static final Duration MAX = Duration.ofDays(36_500);

  private DurationFormat() {}

  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw InvalidValueException.expected(EXPECTED, text);
    }
    long amount = Long.parseLong(m.group(1));
    if (amount == 0) {
      throw new InvalidValueException(
          "a duration must be positive, got '" + ValueText.quote(text) + "'");
    }
    Duration duration;
    try {
      duration =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } catch (ArithmeticException tooLong) {
      duration = MAX.plusDays(1);
    }
    if (duration.compareTo(MAX) > 0) {
      throw new InvalidValueException(
          "'" + ValueText.quote(text) + "' is too long a duration (at most " + MAX.toDays() + "d)");
    }
    return duration;
  }

  /** The largest unit that divides exactly, so that {@link #parse} gives the same duration back. */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    } else if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    } else if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    } else if (ms % 1_000L == 0) {
      return ms / 1_000L + "s";
    }
    return ms + "ms";
  }
}
