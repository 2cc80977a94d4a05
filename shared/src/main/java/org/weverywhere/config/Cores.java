package org.weverywhere.config;

/**
 * A number of CPU cores: how many executions may run at the same time. Always whole: a core is an
 * execution slot, and a fraction of one cannot be granted as a slot; CPU time per execution has its
 * own duration quota.
 */
public record Cores(int count) {
  /** Far above any real machine, but bounded so that slot arrays and semaphores stay sane. */
  public static final int MAX = 4096;

  public Cores {
    if (count < 1 || count > MAX) {
      throw new IllegalArgumentException("cores must be 1.." + MAX + ": " + count);
    }
  }

  public static Cores parse(String text) {
    String trimmed = text.strip();
    if (!trimmed.matches("[0-9]{1,9}")) {
      String why = trimmed.matches("[0-9]*\\.[0-9]+") ? " (cores are whole execution slots)" : "";
      throw new InvalidValueException(
          "expected a whole number of cores like 2, got '" + ValueText.quote(text) + "'" + why);
    }
    int count = Integer.parseInt(trimmed);
    if (count < 1 || count > MAX) {
      throw new InvalidValueException("cores must be between 1 and " + MAX + ", got " + count);
    }
    return new Cores(count);
  }

  @Override
  public String toString() {
    return Integer.toString(count);
  }
}
