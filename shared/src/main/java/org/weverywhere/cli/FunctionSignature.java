package org.weverywhere.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.ListedFunction;

/**
 * An exported function's name and type, as {@code describe} lists it ({@code add (i32, i32) ->
 * i32}) or as the module itself declares it; turns command-line words into typed arguments before
 * anything is sent, so a typo costs no round trip.
 */
record FunctionSignature(String name, CallSignature type) {
  /**
   * Reads {@code name (p, ...) -> r} or {@code name (p, ...) -> (r, ...)}; empty when the text is
   * not that.
   */
  static Optional<FunctionSignature> parse(String export) {
    return ListedFunction.read(export).map(f -> new FunctionSignature(f.name(), f.signature()));
  }

  /**
   * The words as this function's arguments, or a {@code WASM_BAD_ARGUMENT} naming the first that
   * does not fit.
   */
  List<WasmValue> arguments(List<String> words) {
    if (words.size() != type.params().size()) {
      throw new CommandException(
          ErrorCode.WASM_BAD_ARGUMENT,
          this
              + " takes "
              + type.params().size()
              + " argument"
              + (type.params().size() == 1 ? "" : "s")
              + ", not "
              + words.size());
    }
    List<WasmValue> values = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      values.add(value(i, type.params().get(i), words.get(i)));
    }
    return values;
  }

  private WasmValue value(int index, String type, String word) {
    if (type.equals(CallSignature.STRING)) {
      return string(index, word);
    }
    if (type.equals(CallSignature.BYTES)) {
      return WasmValue.bytes(bytes(index, word));
    }
    String text = word.strip().replace("_", "");
    try {
      return switch (type) {
        case "i32" -> new WasmValue("i32", integer(text, 32));
        case "i64" -> new WasmValue("i64", integer(text, 64));
        case "f32" ->
            new WasmValue(
                "f32", Float.floatToRawIntBits(floating(text, true).floatValue()) & 0xffff_ffffL);
        case "f64" -> new WasmValue("f64", Double.doubleToRawLongBits(floating(text, false)));
        default ->
            throw new CommandException(
                ErrorCode.WASM_BAD_ARGUMENT,
                this
                    + ": parameter "
                    + (index + 1)
                    + " is a "
                    + type
                    + ", which cannot be given on the command line");
      };
    } catch (NumberFormatException notANumber) {
      throw new CommandException(
          ErrorCode.WASM_BAD_ARGUMENT,
          this
              + ": argument "
              + (index + 1)
              + " '"
              + word
              + "' is not an "
              + type
              + (notANumber.getMessage() == null || notANumber.getMessage().startsWith("For input")
                  ? ""
                  : " (" + notANumber.getMessage() + ")"));
    }
  }

  /** A {@code string} argument: the word as it is, bounded like every byte string. */
  private WasmValue string(int index, String word) {
    int length = word.getBytes(StandardCharsets.UTF_8).length;
    if (length > CallSignature.MAX_BYTES) {
      throw new CommandException(
          ErrorCode.WASM_BAD_ARGUMENT,
          this
              + ": argument "
              + (index + 1)
              + " is "
              + length
              + " bytes, more than the "
              + CallSignature.MAX_BYTES
              + " a string may have");
    }
    return WasmValue.string(word);
  }

  /**
   * A {@code bytes} argument: {@code 0x} and hex digits, or {@code file:PATH} for a file's bytes
   * (not {@code @file}: picocli reads {@code @file} words as files of more arguments).
   */
  private byte[] bytes(int index, String word) {
    String at = this + ": argument " + (index + 1);
    if (word.startsWith("file:")) {
      Path path = Path.of(word.substring("file:".length()));
      try {
        if (Files.size(path) > CallSignature.MAX_BYTES) {
          throw new CommandException(
              ErrorCode.WASM_BAD_ARGUMENT,
              at
                  + ": "
                  + path
                  + " is more than the "
                  + CallSignature.MAX_BYTES
                  + " bytes a byte string may have");
        }
        return Files.readAllBytes(path);
      } catch (IOException failed) {
        throw new CommandException(
            ErrorCode.IO_UNREADABLE, at + ": cannot read " + path + ": " + failed.getMessage());
      }
    }
    String hex = word.strip().replace("_", "");
    if (!hex.startsWith("0x") && !hex.startsWith("0X")) {
      throw new CommandException(
          ErrorCode.WASM_BAD_ARGUMENT,
          at + " '" + word + "' is not bytes: give 0x and hex digits, or file:PATH");
    }
    try {
      byte[] bytes = HexFormat.of().parseHex(hex.substring(2));
      if (bytes.length > CallSignature.MAX_BYTES) {
        throw new CommandException(
            ErrorCode.WASM_BAD_ARGUMENT,
            at + " is more than the " + CallSignature.MAX_BYTES + " bytes a byte string may have");
      }
      return bytes;
    } catch (IllegalArgumentException notHex) {
      throw new CommandException(
          ErrorCode.WASM_BAD_ARGUMENT,
          at
              + " '"
              + word
              + "' is not bytes: an even number of hex digits after 0x ("
              + notHex.getMessage()
              + ")");
    }
  }

  /**
   * A signed or unsigned decimal, or 0x hex, that fits {@code bits}; an i32 travels sign-extended,
   * as the daemon reads it back.
   */
  private static long integer(String text, int bits) {
    boolean negative = text.startsWith("-");
    String digits = negative || text.startsWith("+") ? text.substring(1) : text;
    boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
    if (digits.isEmpty()
        || (hex && digits.length() == 2)
        || digits.startsWith("-")
        || digits.startsWith("+")) {
      throw new NumberFormatException();
    }
    java.math.BigInteger value =
        new java.math.BigInteger(hex ? digits.substring(2) : digits, hex ? 16 : 10);
    if (negative) {
      value = value.negate();
    }
    java.math.BigInteger min = java.math.BigInteger.ONE.shiftLeft(bits - 1).negate();
    java.math.BigInteger maxUnsigned =
        java.math.BigInteger.ONE.shiftLeft(bits).subtract(java.math.BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(maxUnsigned) > 0) {
      throw new NumberFormatException("out of range");
    }
    return bits == 32 ? (long) value.intValue() : value.longValue();
  }

  /**
   * Decimal or hex floats, {@code inf}, {@code -inf}, {@code nan}; never Java's {@code 1f}/{@code
   * 1d} suffixes.
   */
  private static Double floating(String text, boolean single) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    switch (lower) {
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "+nan", "-nan" -> {
        return lower.startsWith("-") ? -Double.NaN : Double.NaN;
      }
      default -> {
        if (lower.endsWith("f") || lower.endsWith("d") || lower.isEmpty() || lower.contains("n")) {
          throw new NumberFormatException();
        }
        double value = Double.parseDouble(text);
        if (single && Double.isFinite(value) && Float.isInfinite((float) value)) {
          throw new NumberFormatException("out of range");
        }
        return value;
      }
    }
  }

  /**
   * A result as people read it: integers signed, floats in decimal, strings as text, bytes in 0x
   * hex.
   */
  static String show(WasmValue value) {
    return switch (value.type()) {
      case "string" -> value.text();
      case "bytes" -> "0x" + HexFormat.of().formatHex(value.data());
      case "i32" -> Integer.toString((int) value.bits());
      case "i64" -> Long.toString(value.bits());
      case "f32" -> Float.toString(Float.intBitsToFloat((int) value.bits()));
      default -> Double.toString(Double.longBitsToDouble(value.bits()));
    };
  }

  @Override
  public String toString() {
    return name + " " + type;
  }
}
