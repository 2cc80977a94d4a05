package org.weverywhere.daemon.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.WireLimits;

/**
 * What the HTTP bulk channel answers to one request body (docs/PROTOCOL.md §1, "HTTP answers"):
 * {@code 200} with a signed reply once the body verified (refusals included), {@code 400} with a
 * one-line {@code "WEnnnn message"} when it did not, {@code 413} the same when it is too large.
 * One place, so that Liberty's resource and the tests' loopback server cannot answer differently.
 *
 * @param status the HTTP status
 * @param contentType {@code application/cose} for a signed reply, else plain UTF-8 text
 * @param body the signed reply, or the line
 */
public record BulkAnswer(int status, String contentType, byte[] body) {
  /** The response header that lists the protocol versions this node speaks, comma-separated. */
  public static final String VERSIONS_HEADER = "WEverywhere-Versions";
  /** Its value: the versions this node speaks. */
  public static final String VERSIONS = String.valueOf(Header.VERSION);
  static final String TEXT = "text/plain; charset=utf-8";

  /** The answer to {@code bytes}, of which at most {@code limit + 1} were read. */
  public static BulkAnswer of(Endpoints endpoints, byte[] bytes) {
    return of(endpoints.verifier(), endpoints.handler(), endpoints.signer(), bytes);
  }

  /** As {@link #of(Endpoints, byte[])}, with the parts that answer named one by one. */
  public static BulkAnswer of(org.weverywhere.protocol.Verifier verifier, RequestHandler handler,
      org.weverywhere.protocol.MessageSigner signer, byte[] bytes) {
    int limit = WireLimits.HTTP.maxMessageBytes();
    if (bytes.length > limit) {
      return line(413, ErrorCode.PROTOCOL_OVERSIZED.code() + " body of more than " + limit + " bytes");
    }
    SignedMessage request;
    try {
      request = verifier.verify(bytes, WireLimits.HTTP);
    } catch (ProtocolException refused) {
      // unverified: there is nothing to sign a reply to (its id may not even be readable)
      return line(400, refused.code().code() + " " + refused.getMessage().replace('\n', ' ').replace('\r', ' '));
    }
    Message reply = handler.handle(request, RequestHandler.Transport.HTTP)
        .orElseGet(() -> RequestHandler.error(ErrorCode.PROTOCOL_UNKNOWN_TYPE,
            request.message().type() + " is not a request", Optional.empty()));
    return new BulkAnswer(200, BulkResource.MEDIA_TYPE,
        signer.sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), reply));
  }

  private static BulkAnswer line(int status, String text) {
    return new BulkAnswer(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
