package org.weverywhere.protocol;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.trust.SignatureGroup;

/**
 * What every message carries besides its body: the fields the receiver checks before it looks at
 * the body.
 *
 * @param version protocol version, {@link #VERSION} for this implementation
 * @param id random 128-bit id, the replay-cache key
 * @param timestamp when the sender signed it (milliseconds on the wire)
 * @param audience the node it is for, or any
 * @param replyTo the id of the request a reply answers
 * @param group the Signature Group the request asks to be charged to (one of the signer's)
 */
public record Header(
    int version,
    MessageId id,
    Instant timestamp,
    Audience audience,
    Optional<MessageId> replyTo,
    Optional<String> group) {
  public static final int VERSION = 1;

  public Header {
    Objects.requireNonNull(id, "id");
    // the wire carries milliseconds: keep only those, so a header equals its decoded copy
    timestamp =
        Objects.requireNonNull(timestamp, "timestamp")
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(replyTo, "replyTo");
    Objects.requireNonNull(group, "group");
    group.ifPresent(
        g -> {
          if (!SignatureGroup.isValidName(g)) {
            throw new IllegalArgumentException("invalid group name: " + g);
          }
        });
  }

  /** A fresh header: new random id, now, this version, no reply-to, no group. */
  public static Header fresh(Audience audience, Instant now) {
    return new Header(
        VERSION, MessageId.random(), now, audience, Optional.empty(), Optional.empty());
  }

  /** A fresh header answering {@code request}, addressed to any (the reply goes back by socket). */
  public static Header replyTo(Header request, Instant now) {
    return new Header(
        VERSION,
        MessageId.random(),
        now,
        Audience.ANY,
        Optional.of(request.id()),
        Optional.empty());
  }

  public Header withGroup(String name) {
    return new Header(version, id, timestamp, audience, replyTo, Optional.of(name));
  }
}
