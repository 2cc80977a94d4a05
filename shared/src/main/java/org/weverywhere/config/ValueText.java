package org.weverywhere.config;

/**
 * How a user's text is echoed back in messages: bounded and with control characters made visible.
 */
final class ValueText {
  private static final int SHOWN = 60;

  private ValueText() {}

  static String quote(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(SHOWN)
        .forEach(
            cp -> {
              if (Character.isISOControl(cp) || cp == '\'') {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    if (text.codePointCount(0, text.length()) > SHOWN) {
      out.append("...");
    }
    return out.toString();
  }
}
