package org.weverywhere.config;

/**
 * Where an effective configuration value came from, printed by {@code weverywhere config check}.
 */
public sealed interface Origin {

  /** A line of a configuration file; line 0 means the file as a whole (e.g. it is too large). */
  record InFile(String file, int line) implements Origin {
    @Override
    public String toString() {
      return line > 0 ? file + ":" + line : file;
    }
  }

  /** The registry's default: nobody set the key. */
  record Default() implements Origin {
    @Override
    public String toString() {
      return "default";
    }
  }

  /** An environment variable, named the way MicroProfile Config maps it to the key. */
  record Environment(String variable) implements Origin {
    @Override
    public String toString() {
      return "environment " + variable;
    }
  }

  /** A JVM system property of the key's own name (MicroProfile Config's ordinal 400). */
  record SystemProperty(String name) implements Origin {
    @Override
    public String toString() {
      return "system property " + name;
    }
  }

  /** Another MicroProfile ConfigSource that outranks the files, e.g. Liberty's server.xml. */
  record ConfigSource(String source, String key) implements Origin {
    @Override
    public String toString() {
      return "config source " + source + " " + key;
    }
  }
}
