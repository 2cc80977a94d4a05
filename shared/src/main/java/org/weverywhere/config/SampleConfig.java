package org.weverywhere.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.weverywhere.ErrorCode;

/**
 * The sample configuration (the project's {@code etc/}) embedded on the class path. A jar cannot be
 * listed portably (Liberty's class loaders hand out their own URL schemes), so the build writes the
 * file list to {@code INDEX} next to the files.
 */
public final class SampleConfig {
  static final String ROOT = "org/weverywhere/config/sample/";

  private SampleConfig() {}

  /** Paths of the embedded files relative to the configuration directory, '/'-separated, sorted. */
  public static List<String> files() {
    String index = new String(read("INDEX"), StandardCharsets.UTF_8);
    return index.lines().map(String::strip).filter(line -> !line.isEmpty()).sorted().toList();
  }

  /** The bytes of one embedded file, e.g. {@code weverywhere.conf}. */
  public static byte[] read(String relative) {
    try (InputStream in =
        SampleConfig.class.getClassLoader().getResourceAsStream(ROOT + relative)) {
      if (in == null) {
        throw new ConfigException(
            ErrorCode.IO_UNREADABLE,
            "the embedded sample configuration has no " + relative + " (a broken build?)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the embedded " + relative, e);
    }
  }
}
