package org.weverywhere.config;

/**
 * The key table of {@code docs/CONFIGURATION.md}, written from the registry; a test keeps the
 * document equal to it, so the reference cannot fall behind the code.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** One Markdown table row per key: name, type, default, description. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder();
    out.append("| key | type | default | what it sets |\n");
    out.append("|---|---|---|---|\n");
    for (ConfigKey<?> key : ConfigKeys.all()) {
      String defaultText =
          key.defaultText() != null ? "`" + key.defaultText() + "`" : "unset: " + key.unsetMeans();
      out.append("| `")
          .append(key.name())
          .append("` | ")
          .append(key.type().name())
          .append(" | ")
          .append(escape(defaultText))
          .append(" | ")
          .append(escape(key.doc()))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String escape(String cell) {
    return cell.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
