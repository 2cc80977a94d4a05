package org.weverywhere.trust;

import java.nio.file.Path;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * A key file or Signature Group that cannot be used. The message is one line that starts with the
 * file (and line, where the fault is on one), e.g. {@code groups/ops/bob.pub-key.pem:3: bad
 * base64}.
 */
public class KeyException extends WeverywhereException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final int line;

  public KeyException(ErrorCode code, Path file, int line, String detail, Throwable cause) {
    super(code, where(file, line) + detail, cause);
    this.file = file;
    this.line = line;
  }

  public KeyException(ErrorCode code, Path file, String detail) {
    this(code, file, 0, detail, null);
  }

  /** The file at fault, when the failure came from one. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line at fault, or 0 when the fault is in the file as a whole. */
  public int line() {
    return line;
  }

  private static String where(Path file, int line) {
    if (file == null) {
      return "";
    }
    return line > 0 ? file + ":" + line + ": " : file + ": ";
  }
}
