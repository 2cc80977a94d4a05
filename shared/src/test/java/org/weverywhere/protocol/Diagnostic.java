package org.weverywhere.protocol;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** CBOR diagnostic notation (RFC 8949 §8) of the protocol's data model, for the test vectors. */
final class Diagnostic {
  private Diagnostic() {}

  static String of(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
      case byte[] b -> "h'" + HexFormat.of().formatHex(b) + "'";
      case Long n -> Long.toString(n);
      case Boolean b -> b.toString();
      case List<?> list ->
          "[" + String.join(", ", list.stream().map(Diagnostic::of).toList()) + "]";
      case Map<?, ?> map ->
          "{"
              + String.join(
                  ", ",
                  map.keySet().stream()
                      .map(k -> (String) k)
                      .sorted(Cbor.KEY_ORDER)
                      .map(k -> of(k) + ": " + of(map.get(k)))
                      .toList())
              + "}";
      default -> throw new IllegalArgumentException(value.getClass().toString());
    };
  }

  /**
   * The envelope with its protected header and payload opened: {@code 18([<<{1: -8, ...}>>, ...])}.
   */
  static String envelope(
      byte[] protectedHeader, Object payload, byte[] signature, String payloadNote) {
    String kid = HexFormat.of().formatHex(protectedHeader, 6, protectedHeader.length);
    return "18([<< {1: -8, 4: h'"
        + kid
        + "'} >>, {}, << "
        + (payloadNote != null ? payloadNote : of(payload))
        + " >>, h'"
        + HexFormat.of().formatHex(signature)
        + "'])";
  }
}
