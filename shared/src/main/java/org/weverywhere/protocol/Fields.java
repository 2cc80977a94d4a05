package org.weverywhere.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * Typed reading of one decoded CBOR map, every mismatch a {@code MALFORMED} naming the field's path
 * (e.g. {@code body.run.args[2]}). Unknown keys are ignored so that a newer peer can add fields.
 */
final class Fields {
  private final Map<String, Object> map;
  private final String path;

  Fields(Map<String, Object> map, String path) {
    this.map = map;
    this.path = path;
  }

  static Fields of(Object value, String path) {
    if (!(value instanceof Map<?, ?>)) {
      throw malformed(path, "a map");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return new Fields(map, path);
  }

  /** The whole map, as decoded. */
  Map<String, Object> values() {
    return map;
  }

  boolean has(String key) {
    return map.containsKey(key);
  }

  String text(String key) {
    return as(key, String.class, "text");
  }

  Optional<String> optionalText(String key) {
    return has(key) ? Optional.of(text(key)) : Optional.empty();
  }

  byte[] bytes(String key) {
    return as(key, byte[].class, "a byte string");
  }

  byte[] bytes(String key, int size) {
    byte[] b = bytes(key);
    if (b.length != size) {
      throw malformed(path + "." + key, size + " bytes, not " + b.length);
    }
    return b;
  }

  Optional<byte[]> optionalBytes(String key, int size) {
    return has(key) ? Optional.of(bytes(key, size)) : Optional.empty();
  }

  long integer(String key) {
    return as(key, Long.class, "an integer");
  }

  int uint(String key, int max) {
    long n = integer(key);
    if (n < 0 || n > max) {
      throw malformed(path + "." + key, "an integer from 0 to " + max);
    }
    return (int) n;
  }

  Object raw(String key) {
    if (!has(key)) {
      throw new ProtocolException(Reason.MALFORMED, path + "." + key + " is missing");
    }
    return map.get(key);
  }

  Fields map(String key) {
    return of(raw(key), path + "." + key);
  }

  List<String> texts(String key) {
    return list(
        key,
        (item, at) -> {
          if (!(item instanceof String s)) {
            throw malformed(at, "text");
          }
          return s;
        });
  }

  <T> List<T> list(String key, ItemReader<T> reader) {
    Object value = raw(key);
    if (!(value instanceof List<?> items)) {
      throw malformed(path + "." + key, "an array");
    }
    List<T> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(reader.read(items.get(i), path + "." + key + "[" + i + "]"));
    }
    return List.copyOf(out);
  }

  <V> Map<String, V> entries(String key, Function<Object, V> value, Class<V> type) {
    Fields inner = map(key);
    Map<String, V> out = new LinkedHashMap<>();
    inner.map.forEach(
        (k, v) -> {
          if (!type.isInstance(v)) {
            throw malformed(inner.path + "." + k, type.getSimpleName());
          }
          out.put(k, value.apply(v));
        });
    return out;
  }

  String path() {
    return path;
  }

  private <T> T as(String key, Class<T> type, String expected) {
    Object value = raw(key);
    if (!type.isInstance(value)) {
      throw malformed(path + "." + key, expected);
    }
    return type.cast(value);
  }

  static ProtocolException malformed(String at, String expected) {
    return new ProtocolException(Reason.MALFORMED, at + " must be " + expected);
  }

  /** Reads one array item found at {@code at}. */
  interface ItemReader<T> {
    T read(Object item, String at);
  }
}
