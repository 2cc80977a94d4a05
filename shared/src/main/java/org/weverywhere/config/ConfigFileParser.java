package org.weverywhere.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;

/**
 * Splits one configuration file into {@code key = value} lines. Strict: a line is blank, a comment
 * starting with {@code #}, or a setting; anything else is reported with its line and parsing goes
 * on, so that one run shows every error. Sizes are bounded before anything is allocated for them.
 */
final class ConfigFileParser {
  /** No sane configuration file comes near this; a bigger one is a mistake (a log, a binary). */
  static final int MAX_FILE_BYTES = 1 << 20;

  static final int MAX_LINE_BYTES = 8 << 10;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private ConfigFileParser() {}

  /**
   * Parses {@code content} (at most {@link #MAX_FILE_BYTES}, checked by the caller who reads it)
   * and hands each setting to {@code settings} and each problem to {@code problems}, in line order.
   */
  static void parse(String file, byte[] content, Problems problems, Consumer<ConfigLine> settings) {
    if (content.length > MAX_FILE_BYTES) {
      problems.add(
          new ConfigProblem(
              new Origin.InFile(file, 0),
              ErrorCode.CONFIG_SYNTAX,
              "file is larger than " + MAX_FILE_BYTES / 1024 + " KiB"));
      return;
    }
    int start = 0;
    int number = 0;
    while (start < content.length && !problems.full()) {
      number++;
      int end = start;
      while (end < content.length && content[end] != '\n') {
        end++;
      }
      Origin.InFile origin = new Origin.InFile(file, number);
      int length = end - start;
      if (length > 0 && content[end - 1] == '\r') {
        length--; // tolerate files written on Windows
      }
      if (length > MAX_LINE_BYTES) {
        problems.add(
            new ConfigProblem(
                origin,
                ErrorCode.CONFIG_SYNTAX,
                "line is longer than " + MAX_LINE_BYTES + " bytes"));
      } else {
        String text = decode(content, start, length);
        if (text == null) {
          problems.add(
              new ConfigProblem(origin, ErrorCode.CONFIG_SYNTAX, "line is not valid UTF-8"));
        } else {
          if (number == 1 && text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark some editors write
          }
          parseLine(text, origin, problems).ifPresent(settings);
        }
      }
      start = end + 1;
    }
  }

  private static java.util.Optional<ConfigLine> parseLine(
      String text, Origin.InFile origin, Problems problems) {
    String line = text.strip();
    if (line.isEmpty() || line.startsWith("#")) {
      return java.util.Optional.empty();
    }
    int equals = line.indexOf('=');
    if (equals < 0) {
      problems.add(
          new ConfigProblem(
              origin,
              ErrorCode.CONFIG_SYNTAX,
              "expected 'key = value' or a '#' comment, got '" + ValueText.quote(line) + "'"));
      return java.util.Optional.empty();
    }
    String key = line.substring(0, equals).strip();
    String value = line.substring(equals + 1).strip();
    if (key.isEmpty()) {
      problems.add(new ConfigProblem(origin, ErrorCode.CONFIG_SYNTAX, "missing key before '='"));
      return java.util.Optional.empty();
    }
    if (!KEY.matcher(key).matches()) {
      problems.add(
          new ConfigProblem(
              origin,
              ErrorCode.CONFIG_SYNTAX,
              "'"
                  + ValueText.quote(key)
                  + "' is not a key: keys are dotted words of letters, digits, '-' and '_'"));
      return java.util.Optional.empty();
    }
    if (value.isEmpty()) {
      problems.add(
          new ConfigProblem(
              origin,
              ErrorCode.CONFIG_SYNTAX,
              "missing value for '" + key + "' (to use the default, comment the line out)"));
      return java.util.Optional.empty();
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i)) && value.charAt(i) != '\t') {
        problems.add(
            new ConfigProblem(
                origin,
                ErrorCode.CONFIG_SYNTAX,
                "control character in the value of '" + key + "'"));
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of(new ConfigLine(key, value, origin));
  }

  /**
   * The line as text, or {@code null} when it is not UTF-8 (a decoder that replaces would hide the
   * error).
   */
  private static String decode(byte[] content, int start, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content, start, length))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return null;
    }
  }
}
