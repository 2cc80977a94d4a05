package org.weverywhere.trust;

import java.util.Locale;

/**
 * What the keys of a Signature Group may ask a daemon to do; configured per group ({@code
 * group.<Name>.privileges}), granted as the union over a key's groups.
 */
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
  CONTROL,
  /**
   * be believed when a forwarded service {@code call} names its original requester ({@code
   * origin}): for other hosts' keys, so a chain's bill names who started it; without it the signer
   * is the requester, whatever the call claims
   */
  RELAY;

  /** The lower-case spelling used in configuration files and on the wire, e.g. {@code execute}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Privilege parse(String text) {
    for (Privilege p : values()) {
      if (p.text().equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown privilege '" + text + "' (observe, fetch, execute, publish, control, relay)");
  }
}
