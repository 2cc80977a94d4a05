package org.weverywhere.protocol;

import java.util.Locale;

/** What a Signature Group may do on a host; configured per group, granted as a union over groups. */
public enum Privilege {
  /** read host facts: the host-facts import module, host facts in a {@code description} */
  OBSERVE,
  /** copy a library's executable material ({@code fetch}) */
  FETCH,
  /** run a module or function ({@code execute}) */
  EXECUTE,
  /** add or remove libraries and services ({@code control} actions publish/unpublish) */
  PUBLISH,
  /** every other remote {@code control} action */
  CONTROL;

  /** The lower-case name used in configuration and on the wire. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Privilege parse(String text) {
    for (Privilege p : values()) {
      if (p.text().equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown privilege '" + text + "' (observe, fetch, execute, publish, control)");
  }
}
