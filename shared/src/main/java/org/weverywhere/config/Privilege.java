package org.weverywhere.config;

import java.util.Locale;

/** What the keys of a Signature Group may ask a daemon to do. */
public enum Privilege {
  /** Run probes that import host facts (free RAM, cores, load, uptime). */
  OBSERVE,
  /** Download a library's executable material. */
  FETCH,
  /** Run modules and call functions. */
  EXECUTE,
  /** Publish libraries onto the host. */
  PUBLISH,
  /** Send remote control messages. */
  CONTROL;

  /** The spelling in configuration files, e.g. {@code execute}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
