package org.weverywhere.desktop.submit;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.wasm.ValueType;

/**
 * The text form of WebAssembly numbers in the argument form: parsing with range checks, and
 * formatting of results. Integers accept decimal or {@code 0x} hex, signed or (up to 2^N − 1) the
 * unsigned reading of the same bits, as the text format does; floats accept decimal, {@code nan}
 * and {@code inf}, never a value that would round to infinity.
 */
public final class NumberText {
  private static final Pattern DECIMAL_FLOAT =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?(\\d+|0[xX][0-9a-fA-F]+)");

  private NumberText() {}

  /** A parse's outcome: a value, or why the text is not one. */
  public sealed interface Parsed {
    /** The text is a value of the type. */
    record Valid(WasmValue value) implements Parsed {}

    /** The text is not; {@code reason} is one line for the user. */
    record Invalid(String reason) implements Parsed {}
  }

  /** Parses {@code text} as a value of {@code type}. */
  public static Parsed parse(ValueType type, String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return new Parsed.Invalid(type.text() + " needed");
    }
    return switch (type) {
      case I32 -> integer(t, 32);
      case I64 -> integer(t, 64);
      case F32 -> f32(t);
      case F64 -> f64(t);
      case V128, FUNCREF, EXTERNREF ->
          new Parsed.Invalid(type.text() + " arguments cannot be entered here");
    };
  }

  private static Parsed integer(String t, int bits) {
    String type = "i" + bits;
    if (!INTEGER.matcher(t).matches()) {
      return new Parsed.Invalid(
          "'" + t + "' is not an " + type + ": expected a whole number like 42, -7 or 0x2a");
    }
    boolean negative = t.startsWith("-");
    String digits = t.replaceFirst("^[+-]", "");
    BigInteger value =
        digits.toLowerCase(Locale.ROOT).startsWith("0x")
            ? new BigInteger(digits.substring(2), 16)
            : new BigInteger(digits);
    if (negative) {
      value = value.negate();
    }
    BigInteger min = BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      return new Parsed.Invalid(
          t + " is out of range for " + type + " (" + min + " to " + max + ")");
    }
    long raw = value.longValue(); // two's complement: the unsigned reading keeps its bits
    return new Parsed.Valid(new WasmValue(type, bits == 32 ? (int) raw : raw));
  }

  private static Parsed f32(String t) {
    Float special = special(t) == null ? null : special(t).floatValue();
    if (special != null) {
      return new Parsed.Valid(new WasmValue("f32", Float.floatToRawIntBits(special)));
    }
    if (!DECIMAL_FLOAT.matcher(t).matches()) {
      return new Parsed.Invalid(
          "'" + t + "' is not an f32: expected a number like 1.5, -2e3, nan or inf");
    }
    float f = Float.parseFloat(t);
    if (Float.isInfinite(f)) {
      return new Parsed.Invalid(
          t + " is out of range for f32 (magnitude at most " + Float.MAX_VALUE + ")");
    }
    return new Parsed.Valid(new WasmValue("f32", Float.floatToRawIntBits(f)));
  }

  private static Parsed f64(String t) {
    Double special = special(t);
    if (special != null) {
      return new Parsed.Valid(new WasmValue("f64", Double.doubleToRawLongBits(special)));
    }
    if (!DECIMAL_FLOAT.matcher(t).matches()) {
      return new Parsed.Invalid(
          "'" + t + "' is not an f64: expected a number like 1.5, -2e3, nan or inf");
    }
    double d = Double.parseDouble(t);
    if (Double.isInfinite(d)) {
      return new Parsed.Invalid(
          t + " is out of range for f64 (magnitude at most " + Double.MAX_VALUE + ")");
    }
    return new Parsed.Valid(new WasmValue("f64", Double.doubleToRawLongBits(d)));
  }

  /** nan, inf, infinity with an optional sign; null for anything else. */
  private static Double special(String t) {
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "nan", "+nan", "-nan" -> Double.NaN;
      case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      default -> null;
    };
  }

  /** A result as text: integers signed (and unsigned where that differs), floats as numbers. */
  public static String format(WasmValue value) {
    String text =
        switch (value.type()) {
          case "i32" -> {
            int v = (int) value.bits();
            yield v < 0
                ? v + " (unsigned " + Integer.toUnsignedString(v) + ")"
                : Integer.toString(v);
          }
          case "i64" ->
              value.bits() < 0
                  ? value.bits() + " (unsigned " + Long.toUnsignedString(value.bits()) + ")"
                  : Long.toString(value.bits());
          case "f32" -> Float.toString(Float.intBitsToFloat((int) value.bits()));
          case "string" -> value.text(); // byte strings a function declares (docs/SERVICES.md)
          case "bytes" -> "0x" + java.util.HexFormat.of().formatHex(value.data());
          default -> Double.toString(Double.longBitsToDouble(value.bits()));
        };
    return text + " : " + value.type();
  }
}
