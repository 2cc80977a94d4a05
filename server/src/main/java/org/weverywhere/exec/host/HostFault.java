package org.weverywhere.exec.host;

/** A host function could not do what the guest asked (bad pointer, no memory): a trap. */
public final class HostFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HostFault(String message) {
    super(message, null, false, false);
  }
}
