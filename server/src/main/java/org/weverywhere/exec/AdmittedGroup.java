package org.weverywhere.exec;

/**
 * The Signature Group a request was admitted under, with the privileges the executor needs.
 *
 * @param observe whether the {@code weverywhere_host} host-facts imports are linked
 */
public record AdmittedGroup(String group, boolean observe) {
  public static final String ANONYMOUS = "anonymous";

  public AdmittedGroup {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("group must be named");
    }
  }
}
