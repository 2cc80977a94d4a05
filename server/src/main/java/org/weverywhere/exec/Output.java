package org.weverywhere.exec;

import java.nio.charset.StandardCharsets;

/** The captured stdout and stderr; a truncated stream ends with {@link #MARKER}. */
public record Output(byte[] stdout, byte[] stderr) {
  /** Appended to a stream cut at the output cap, so a reader never mistakes it for the whole. */
  public static final String MARKER = "\n[weverywhere: output truncated]\n";

  public static final Output EMPTY = new Output(new byte[0], new byte[0]);

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }
}
