package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line: the configuration's units, and plain seconds as before units. */
class DurationArgumentTest {
  private final DurationArgument argument = new DurationArgument();

  @ParameterizedTest(name = "{0} is {1} ms")
  @CsvSource({
    "2s, 2000",
    "500ms, 500",
    "5m, 300000",
    "1h, 3600000",
    "7d, 604800000",
    "' 2s ', 2000",
    "3, 3000",
    "0.5, 500",
    "0.001, 1",
    "0, 0",
    "0s, 0",
    "0ms, 0",
    "10 s, 10000"
  })
  void acceptsUnitsAndPlainSeconds(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), argument.convert(text));
  }

  @ParameterizedTest(name = "''{0}'' is refused in one line")
  @ValueSource(
      strings = {
        "2x",
        "-1",
        "-1s",
        "",
        "1e3",
        "1.5s",
        "2 s s",
        "s",
        "0x10",
        "99999999999999999999d",
        "36501d",
        "1234567890123",
        "\u0662s",
        "2S"
      })
  void refusesAnythingElseSayingWhatItExpects(String text) {
    TypeConversionException refused =
        assertThrows(TypeConversionException.class, () -> argument.convert(text));
    assertTrue(refused.getMessage().endsWith("(or a number of seconds)"), refused.getMessage());
    assertEquals(-1, refused.getMessage().indexOf('\n'), refused.getMessage());
  }

  @Test
  void theCommandLineTakesUnitsWhereTheConfigurationDoes() {
    // nobody listens on port 9: the command waits out the timeout it was given, in those units
    CliRun run = CliRun.of("peers", "--port", "9", "--timeout", "200ms");
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().contains("within 200 ms"), run.err());

    CliRun seconds = CliRun.of("peers", "--port", "9", "--timeout", "0.2");
    assertTrue(seconds.err().contains("within 200 ms"), seconds.err());
  }

  @Test
  void aBadDurationIsAUsageErrorNamingTheOption() {
    CliRun run = CliRun.of("peers", "--timeout", "2x");
    assertEquals(2, run.status(), run.err());
    assertTrue(
        run.err()
            .startsWith("Invalid value for option '--timeout': expected a duration like 500ms"),
        run.err());
    assertEquals(
        2, CliRun.of("peers", "--timeout", "2h").status()); // over the hour a discovery may wait
    assertEquals(2, CliRun.of("ctl", "drain", "--wait", "soon").status());
    assertEquals(2, CliRun.of("ctl", "drain", "--wait", "2d").status());
  }
}
