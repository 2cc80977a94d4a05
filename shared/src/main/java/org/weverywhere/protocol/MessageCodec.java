package org.weverywhere.protocol;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.SignatureGroup;

/**
 * The COSE payload: one CBOR map with the header fields and the body.
 *
 * <pre>{@code {"v": 1, "t": "fetch", "id": h'16 bytes', "ts": ms, "aud": "any" / h'32 bytes',
 *  ? "re": h'16 bytes', ? "grp": tstr, "body": {...}}}</pre>
 */
final class MessageCodec {
  private MessageCodec() {}

  static byte[] encode(Header header, Message message) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("v", (long) header.version());
    payload.put("t", message.type());
    payload.put("id", header.id().bytes());
    payload.put("ts", header.timestamp().toEpochMilli());
    payload.put(
        "aud",
        switch (header.audience()) {
          case Audience.Any any -> "any";
          case Audience.Node node -> node.id().sha256();
        });
    header.replyTo().ifPresent(re -> payload.put("re", re.bytes()));
    header.group().ifPresent(g -> payload.put("grp", g));
    payload.put("body", message.body());
    return Cbor.encode(payload);
  }

  /**
   * The header and body in {@code payload}, checked in the order of docs/PROTOCOL.md §5 step 5:
   * version, type, then the other header fields in the order of the CDDL, then the body. Any bytes
   * end in a value or a {@link ProtocolException}: the readers are written to throw nothing else
   * (SignedPayloadFuzzTest checks them with signed arbitrary payloads), and should one of them
   * still slip, its exception is reported as a malformed message here rather than ending the
   * receive loop of whoever called (issue 13: one datagram once silenced a daemon's UDP side).
   */
  static Decoded decode(byte[] payload, WireLimits limits) {
    try {
      return read(payload, limits);
    } catch (ProtocolException refused) {
      throw refused;
    } catch (RuntimeException slipped) {
      throw new ProtocolException(
          Reason.MALFORMED, "payload cannot be decoded: " + slipped, slipped);
    }
  }

  private static Decoded read(byte[] payload, WireLimits limits) {
    Fields f = Fields.of(Cbor.decode(payload, 0, payload.length, limits, "payload"), "payload");
    long version = f.integer("v");
    if (version != Header.VERSION) {
      throw new ProtocolException(
          Reason.UNSUPPORTED_VERSION,
          "protocol version "
              + version
              + " is not supported (this node speaks "
              + Header.VERSION
              + ")");
    }
    String type = f.text("t");
    if (!Message.TYPES.contains(type)) {
      // before the other header fields (docs/PROTOCOL.md §5 step 5): an unknown type wins over a
      // bad id
      throw new ProtocolException(Reason.UNKNOWN_TYPE, "unknown message type '" + type + "'");
    }
    MessageId id = MessageId.read(f.raw("id"), "payload.id");
    long ms = f.integer("ts");
    if (ms < 0) {
      throw Fields.malformed("payload.ts", "milliseconds since 1970, not negative");
    }
    Object aud = f.raw("aud");
    Audience audience;
    if ("any".equals(aud)) {
      audience = Audience.ANY;
    } else if (aud instanceof byte[] node && node.length == 32) {
      audience = Audience.node(new Fingerprint(node));
    } else {
      throw Fields.malformed("payload.aud", "\"any\" or a 32-byte node id");
    }
    Optional<MessageId> replyTo = Optional.empty();
    if (f.has("re")) {
      replyTo = Optional.of(MessageId.read(f.raw("re"), "payload.re"));
    }
    Optional<String> group = f.optionalText("grp");
    if (group.isPresent() && !SignatureGroup.isValidName(group.get())) {
      throw Fields.malformed("payload.grp", "a group name (1 to 64 letters, digits, '-', '_')");
    }
    Message message = Message.read(type, f.map("body"));
    Header header =
        new Header((int) version, id, Instant.ofEpochMilli(ms), audience, replyTo, group);
    return new Decoded(header, message);
  }

  record Decoded(Header header, Message message) {}
}
