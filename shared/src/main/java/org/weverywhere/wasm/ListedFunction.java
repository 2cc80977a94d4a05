package org.weverywhere.wasm;

import java.util.Optional;

/**
 * An exported function as {@code describe} and library listings write it, {@code add (i32, i32) ->
 * i32}: its name and its signature as callers see it. The one reader of that text for the CLI, the
 * desktop explorer and the daemon's service imports.
 */
public record ListedFunction(String name, CallSignature signature) {
  private static final String ARROW = ") -> ";

  public ListedFunction {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(signature, "signature");
  }

  /**
   * Reads {@code name (p, ...) -> r} or {@code name (p, ...) -> (r, ...)}.
   *
   * @throws FunctionTextException when the text is not that, whatever else it holds
   */
  public static ListedFunction parse(String text) {
    int open = signatureStart(text);
    if (open < 0) {
      throw new FunctionTextException(text, "is not a name followed by (parameters) -> results");
    }
    String types = text.substring(open + 1);
    return CallSignature.parse(types)
        .map(signature -> new ListedFunction(text.substring(0, open), signature))
        .orElseThrow(
            () ->
                new FunctionTextException(
                    text, "has a signature of types this version does not read"));
  }

  /** {@link #parse}, empty instead of the exception: for lists where one bad entry is skipped. */
  public static Optional<ListedFunction> read(String text) {
    try {
      return Optional.of(parse(text));
    } catch (FunctionTextException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * The name alone, also when the signature holds types this version does not read; the whole text
   * when it has no signature at all.
   */
  public static String nameOf(String text) {
    int open = signatureStart(text);
    return open < 0 ? text : text.substring(0, open);
  }

  /** The core signature, when every type is a core one (no byte strings). */
  public Optional<FuncType> core() {
    return signature.asCore();
  }

  /**
   * Where the signature's {@code " ("} stands, or -1. The arrow is the last one and the parameters
   * hold no parentheses, so a name may hold anything, even {@code ") -> "}.
   */
  private static int signatureStart(String text) {
    int arrow = text.lastIndexOf(ARROW);
    int open = arrow < 0 ? -1 : text.lastIndexOf(" (", arrow);
    return open <= 0 ? -1 : open;
  }

  @Override
  public String toString() {
    return name + " " + signature;
  }
}
