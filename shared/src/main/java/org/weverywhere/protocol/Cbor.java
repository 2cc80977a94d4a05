package org.weverywhere.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.CBORReadContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * The CBOR data model the protocol uses, on top of Jackson's CBOR streaming parser and generator:
 * maps with text keys ({@code Map<String, Object>}), arrays ({@code List<Object>}), text ({@code
 * String}), byte strings ({@code byte[]}), integers ({@code Long}), booleans and null. No floats,
 * no tags, no indefinite lengths: a message has exactly one encoding, the deterministic one of RFC
 * 8949 §4.2.1 (shortest heads, definite lengths, map keys sorted by their encoded bytes).
 */
final class Cbor {
  static final CBORFactory FACTORY =
      CBORFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(WireLimits.HTTP.maxMessageBytes())
                  .maxDocumentLength(WireLimits.HTTP.maxMessageBytes())
                  .build())
          .enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS)
          .build();

  /** Encoded-key order of RFC 8949 §4.2.1 for text keys: shorter first, then bytewise. */
  static final Comparator<String> KEY_ORDER =
      Comparator.comparingInt((String k) -> k.getBytes(StandardCharsets.UTF_8).length)
          .thenComparing(
              (a, b) ->
                  Arrays.compareUnsigned(
                      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));

  private Cbor() {}

  /** The deterministic encoding of {@code value}. */
  static byte[] encode(Object value) {
    var out = new ByteArrayOutputStream(256);
    try (CBORGenerator g = FACTORY.createGenerator(out)) {
      write(g, value);
    } catch (IOException impossible) {
      throw new UncheckedIOException("writing CBOR to memory", impossible);
    }
    return out.toByteArray();
  }

  static void write(CBORGenerator g, Object value) throws IOException {
    switch (value) {
      case null -> g.writeNull();
      case String s -> {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        g.writeUTF8String(utf8, 0, utf8.length); // always definite length, unlike writeString
      }
      case byte[] b -> g.writeBinary(b);
      case Long n -> g.writeNumber(n.longValue());
      case Integer n -> g.writeNumber(n.intValue());
      case Boolean b -> g.writeBoolean(b);
      case List<?> list -> {
        g.writeStartArray(list, list.size());
        for (Object item : list) {
          write(g, item);
        }
        g.writeEndArray();
      }
      case Map<?, ?> map -> {
        g.writeStartObject(map, map.size());
        List<String> keys = new ArrayList<>();
        for (Object key : map.keySet()) {
          keys.add((String) key);
        }
        keys.sort(KEY_ORDER);
        for (String key : keys) {
          g.writeFieldName(key);
          write(g, map.get(key));
        }
        g.writeEndObject();
      }
      default ->
          throw new IllegalArgumentException(
              "not in the protocol's CBOR model: " + value.getClass());
    }
  }

  /** Decodes exactly one item filling {@code bytes[offset, offset+length)}. */
  static Object decode(byte[] bytes, int offset, int length, WireLimits limits, String what) {
    if (length == 0) {
      throw new ProtocolException(Reason.TRUNCATED, what + " is empty");
    }
    CborScan.checkPayload(bytes, offset, length, what);
    try (CBORParser p = FACTORY.createParser(bytes, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new ProtocolException(Reason.TRUNCATED, what + " is empty");
      }
      Object value = read(p, first, limits, 1, what);
      if (p.nextToken() != null) {
        throw new ProtocolException(Reason.MALFORMED, what + " has bytes after its end");
      }
      return value;
    } catch (IOException bad) {
      throw translate(bad, what);
    }
  }

  /** Jackson's parse failure as the protocol's: end of input is truncation, limits are limits. */
  static ProtocolException translate(IOException bad, String what) {
    if (bad instanceof JsonEOFException) {
      return new ProtocolException(Reason.TRUNCATED, what + " is truncated", bad);
    }
    if (bad instanceof StreamConstraintsException) {
      return new ProtocolException(Reason.LIMIT, what + " exceeds a limit: " + firstLine(bad), bad);
    }
    String message = firstLine(bad);
    if (message.contains("end-of-input") || message.contains("Unexpected end")) {
      return new ProtocolException(Reason.TRUNCATED, what + " is truncated", bad);
    }
    return new ProtocolException(Reason.MALFORMED, what + " is not valid CBOR: " + message, bad);
  }

  private static String firstLine(IOException bad) {
    String message = String.valueOf(bad.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  static Object read(CBORParser p, JsonToken token, WireLimits limits, int depth, String what)
      throws IOException {
    if (p.getCurrentTag() != -1) {
      throw new ProtocolException(
          Reason.MALFORMED, what + ": tags are not allowed inside a payload");
    }
    return switch (token) {
      case START_ARRAY -> {
        int count = expectedLength(p, limits, depth, what, "array");
        List<Object> list = new ArrayList<>(Math.min(count, 16));
        for (int i = 0; i < count; i++) {
          list.add(read(p, next(p, what), limits, depth + 1, what));
        }
        if (p.nextToken() != JsonToken.END_ARRAY) {
          throw new ProtocolException(Reason.MALFORMED, what + ": array longer than declared");
        }
        yield list;
      }
      case START_OBJECT -> {
        int count = expectedLength(p, limits, depth, what, "map");
        Map<String, Object> map = new LinkedHashMap<>(Math.min(count, 16) * 2);
        for (int i = 0; i < count; i++) {
          if (next(p, what) != JsonToken.FIELD_NAME) {
            throw new ProtocolException(Reason.MALFORMED, what + ": map key is not text");
          }
          String key = p.currentName();
          checkText(key, limits, what);
          if (map.put(key, read(p, next(p, what), limits, depth + 1, what)) != null) {
            throw new ProtocolException(
                Reason.MALFORMED, what + ": duplicate map key '" + key + "'");
          }
        }
        if (p.nextToken() != JsonToken.END_OBJECT) {
          throw new ProtocolException(Reason.MALFORMED, what + ": map longer than declared");
        }
        yield map;
      }
      case VALUE_STRING -> checkText(p.getText(), limits, what);
      case VALUE_EMBEDDED_OBJECT -> {
        Object embedded = p.getEmbeddedObject();
        if (!(embedded instanceof byte[] b)) {
          throw new ProtocolException(Reason.MALFORMED, what + ": unexpected embedded value");
        }
        yield b;
      }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new ProtocolException(Reason.LIMIT, what + ": integer beyond 64 bits");
        }
        yield p.getLongValue();
      }
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case VALUE_NUMBER_FLOAT ->
          throw new ProtocolException(Reason.MALFORMED, what + ": floats are not used");
      default -> throw new ProtocolException(Reason.MALFORMED, what + ": unexpected " + token);
    };
  }

  private static JsonToken next(CBORParser p, String what) throws IOException {
    JsonToken token = p.nextToken();
    if (token == null) {
      throw new ProtocolException(Reason.TRUNCATED, what + " is truncated");
    }
    return token;
  }

  private static int expectedLength(
      CBORParser p, WireLimits limits, int depth, String what, String kind) {
    if (depth > limits.maxDepth()) {
      throw new ProtocolException(Reason.LIMIT, what + ": nested deeper than " + limits.maxDepth());
    }
    CBORReadContext context = p.getParsingContext();
    if (!context.hasExpectedLength()) {
      throw new ProtocolException(Reason.MALFORMED, what + ": indefinite-length " + kind);
    }
    int count = context.getExpectedLength();
    if (count < 0 || count > limits.maxItems()) {
      throw new ProtocolException(
          Reason.LIMIT,
          what
              + ": "
              + kind
              + " of "
              + Integer.toUnsignedString(count)
              + " items, more than "
              + limits.maxItems());
    }
    return count;
  }

  private static String checkText(String text, WireLimits limits, String what) {
    // a Java char is at most 3 UTF-8 bytes; the exact count only when the cheap bound fails
    if (text.length() * 3L > limits.maxTextBytes()
        && text.getBytes(StandardCharsets.UTF_8).length > limits.maxTextBytes()) {
      throw new ProtocolException(
          Reason.LIMIT, what + ": text longer than " + limits.maxTextBytes() + " bytes");
    }
    return text;
  }
}
