package org.weverywhere.exec.host;

/**
 * Thrown by a host function to end the guest at once ({@code proc_exit}, output cap). The reason is
 * also recorded in the execution's {@link GuestState}, which is what the engines trust: some
 * engines hand back only a message for a host function's exception.
 */
public final class Termination extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public Termination(String message) {
    super(message, null, false, false);
  }
}
