package org.weverywhere.exec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.weverywhere.wasm.CallSignature;

/**
 * A byte string passed to or returned from a function, copied: {@code bytes} or, when {@code text},
 * UTF-8 text ({@code string}). Never more than {@link CallSignature#MAX_BYTES}.
 */
public record ByteString(byte[] bytes, boolean text) implements CallValue {
  public ByteString {
    bytes = bytes.clone();
    if (bytes.length > CallSignature.MAX_BYTES) {
      throw new IllegalArgumentException(
          "a byte string of "
              + bytes.length
              + " bytes is more than the "
              + CallSignature.MAX_BYTES
              + " a call may pass");
    }
    if (text && invalidUtf8(bytes).isPresent()) {
      throw new IllegalArgumentException("a string must be UTF-8: " + invalidUtf8(bytes).get());
    }
  }

  public static ByteString of(String text) {
    return new ByteString(text.getBytes(StandardCharsets.UTF_8), true);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The text of a {@code string}; bytes as UTF-8 otherwise. */
  public String string() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public String typeName() {
    return text ? CallSignature.STRING : CallSignature.BYTES;
  }

  /** Why these bytes are not UTF-8, or empty when they are. */
  static Optional<String> invalidUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return Optional.empty();
    } catch (CharacterCodingException e) {
      return Optional.of("not valid UTF-8 (" + e.getMessage() + ")");
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ByteString that
        && text == that.text
        && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes) * 31 + Boolean.hashCode(text);
  }

  @Override
  public String toString() {
    return text ? "string \"" + string() + "\"" : "bytes 0x" + HexFormat.of().formatHex(bytes);
  }
}
