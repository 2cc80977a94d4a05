package org.weverywhere.daemon.endpoint;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.WireLimits;

/**
 * The HTTP bulk channel: {@code POST /weverywhere/v1/messages}, one signed request in, one signed
 * reply out (errors included, so refusals are signed too). A body that cannot be verified gets a
 * bare 400, one over the size limit a 413, read no further than the limit.
 */
@Path("/v1/messages")
@ApplicationScoped
public class BulkResource {
  public static final String MEDIA_TYPE = "application/cose";

  private Endpoints endpoints;

  /** For CDI's client proxy only. */
  protected BulkResource() {}

  @Inject
  public BulkResource(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  @POST
  @Consumes(MEDIA_TYPE)
  @Produces(MEDIA_TYPE)
  public Response exchange(InputStream body) throws IOException {
    int limit = WireLimits.HTTP.maxMessageBytes();
    byte[] bytes = body.readNBytes(limit + 1);
    if (bytes.length > limit) {
      return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).build();
    }
    SignedMessage request;
    try {
      request = endpoints.verifier().verify(bytes, WireLimits.HTTP);
    } catch (ProtocolException refused) {
      return Response.status(Response.Status.BAD_REQUEST).type("text/plain")
          .entity(refused.code().code() + " " + refused.getMessage() + "\n").build();
    }
    Message reply = endpoints.handler().handle(request, RequestHandler.Transport.HTTP)
        .orElseGet(() -> RequestHandler.error(org.weverywhere.ErrorCode.PROTOCOL_UNKNOWN_TYPE,
            request.message().type() + " is not a request", java.util.Optional.empty()));
    byte[] signed = endpoints.signer().sign(Header.replyTo(request.header(), Clock.systemUTC().instant()), reply);
    return Response.ok(signed, MEDIA_TYPE).build();
  }
}
