package org.weverywhere.trust;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.weverywhere.ErrorCode;

/**
 * The PEM text armor of RFC 7468 around one DER key, read strictly: one block with the expected
 * label, only blank lines around it, no headers, standard base64 in lines of at most 76 characters,
 * canonical padding. Anything else is a {@link KeyException} naming the file and line, because a
 * key file that is "almost" right is more often a mistake (or an attack) than a dialect.
 */
final class PemArmor {
  private static final String DASHES = "-----";
  private static final int MAX_LINE = 76;
  private static final int WRITE_LINE = 64;

  private PemArmor() {}

  /** The DER bytes inside the single {@code label} block of {@code content}. */
  static byte[] decode(byte[] content, String label, Path source) {
    List<String> lines = lines(content, source);
    int at = 0;
    while (at < lines.size() && lines.get(at).isEmpty()) {
      at++;
    }
    if (at == lines.size()) {
      throw malformed(source, 0, "empty; expected " + begin(label));
    }
    String first = lines.get(at);
    String found = labelOf(first, "BEGIN");
    if (found == null) {
      throw malformed(source, at + 1, "expected " + begin(label) + " but found " + excerpt(first));
    }
    if (!found.equals(label)) {
      throw wrongLabel(source, at + 1, label, found);
    }
    int beginLine = at + 1;
    StringBuilder base64 = new StringBuilder();
    at++;
    int paddedLine = 0;
    for (; at < lines.size(); at++) {
      String line = lines.get(at);
      if (line.startsWith(DASHES)) {
        break;
      }
      if (paddedLine != 0) {
        throw malformed(source, at + 1, "base64 continues after the padding on line " + paddedLine);
      }
      if (line.isEmpty()) {
        throw malformed(source, at + 1, "blank line inside the base64 block");
      }
      checkBase64Line(line, source, at + 1);
      if (line.indexOf('=') >= 0) {
        paddedLine = at + 1;
      }
      base64.append(line);
    }
    if (at == lines.size()) {
      throw malformed(source, beginLine, begin(label) + " has no matching " + end(label) + " line");
    }
    String endLabel = labelOf(lines.get(at), "END");
    if (!label.equals(endLabel)) {
      throw malformed(
          source, at + 1, "expected " + end(label) + " but found " + excerpt(lines.get(at)));
    }
    int endLine = at + 1;
    for (at++; at < lines.size(); at++) {
      if (!lines.get(at).isEmpty()) {
        throw malformed(source, at + 1, "text after " + end(label) + ": " + excerpt(lines.get(at)));
      }
    }
    if (base64.isEmpty()) {
      throw malformed(source, endLine, "no key data between " + begin(label) + " and its END line");
    }
    return decodeBase64(base64.toString(), source, endLine - 1);
  }

  /**
   * The armored text of {@code der}: 64-character lines, as openssl writes them, ending in a
   * newline.
   */
  static String encode(String label, byte[] der) {
    String base64 = Base64.getEncoder().encodeToString(der);
    StringBuilder text = new StringBuilder(begin(label)).append('\n');
    for (int i = 0; i < base64.length(); i += WRITE_LINE) {
      text.append(base64, i, Math.min(base64.length(), i + WRITE_LINE)).append('\n');
    }
    return text.append(end(label)).append('\n').toString();
  }

  /** Splits ASCII text into lines (LF or CRLF), trailing blanks removed; refuses binary bytes. */
  private static List<String> lines(byte[] content, Path source) {
    int line = 1;
    for (int i = 0; i < content.length; i++) {
      int b = content[i] & 0xff;
      if (b == '\n') {
        line++;
      } else if (b != '\r' && b != '\t' && (b < 0x20 || b > 0x7e)) {
        throw malformed(
            source, line, String.format("byte 0x%02x is not PEM text (binary file?)", b));
      }
    }
    String text = new String(content, StandardCharsets.US_ASCII);
    return Arrays.stream(text.split("\n", -1)).map(String::stripTrailing).toList();
  }

  /**
   * "PUBLIC KEY" from "-----BEGIN PUBLIC KEY-----", or null when the line is no such armor line.
   */
  private static String labelOf(String line, String kind) {
    String head = DASHES + kind + " ";
    if (line.startsWith(head)
        && line.endsWith(DASHES)
        && line.length() > head.length() + DASHES.length()) {
      return line.substring(head.length(), line.length() - DASHES.length());
    }
    return null;
  }

  private static void checkBase64Line(String line, Path source, int number) {
    if (line.length() > MAX_LINE) {
      throw malformed(source, number, "base64 line longer than " + MAX_LINE + " characters");
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean alphabet =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/';
      boolean padding = c == '=' && line.substring(i).matches("={1,2}");
      if (alphabet || padding) {
        continue;
      }
      throw malformed(
          source, number, "invalid base64 character '" + printable(c) + "' at column " + (i + 1));
    }
  }

  private static byte[] decodeBase64(String base64, Path source, int lastLine) {
    if (base64.length() % 4 != 0) {
      throw malformed(
          source,
          lastLine,
          "base64 is truncated (" + base64.length() + " characters, not a multiple of 4)");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException bad) {
      throw new KeyException(
          ErrorCode.KEY_MALFORMED, source, lastLine, "invalid base64: " + bad.getMessage(), bad);
    }
    // non-zero bits in the last character's unused part would give two texts for one key
    if (!Base64.getEncoder().encodeToString(der).equals(base64)) {
      throw malformed(source, lastLine, "base64 is not canonical (stray bits before the padding)");
    }
    return der;
  }

  private static KeyException wrongLabel(Path source, int line, String expected, String found) {
    String armor = begin(found);
    if (found.startsWith("RSA ") || found.startsWith("EC ") || found.startsWith("DSA ")) {
      String algorithm = found.substring(0, found.indexOf(' '));
      return new KeyException(
          ErrorCode.KEY_NOT_ED25519,
          source,
          line,
          "is an " + algorithm + " key (" + armor + "), not Ed25519",
          null);
    }
    if (expected.equals("PUBLIC KEY") && found.endsWith("PRIVATE KEY")) {
      return malformed(
          source,
          line,
          "is a private key (" + armor + ") where a public key belongs; never share it");
    }
    if (found.equals("ENCRYPTED PRIVATE KEY")) {
      return malformed(
          source,
          line,
          "is an encrypted private key; decrypt it first (openssl pkey -in FILE -out NEW)");
    }
    return malformed(source, line, "expected " + begin(expected) + " but found " + armor);
  }

  private static String begin(String label) {
    return DASHES + "BEGIN " + label + DASHES;
  }

  private static String end(String label) {
    return DASHES + "END " + label + DASHES;
  }

  private static String excerpt(String line) {
    return line.length() > 40 ? "'" + line.substring(0, 40) + "...'" : "'" + line + "'";
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : c == '\r' ? "\\r" : String.valueOf(c);
  }

  private static KeyException malformed(Path source, int line, String detail) {
    return new KeyException(ErrorCode.KEY_MALFORMED, source, line, detail, null);
  }
}
