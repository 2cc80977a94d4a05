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
import org.weverywhere.protocol.WireLimits;

/**
 * The HTTP bulk channel: {@code POST /weverywhere/v1/messages}, one signed request in, one signed
 * reply out (errors included, so refusals are signed too). A body that cannot be verified gets a
 * 400, one over the size limit a 413 (read no further than the limit), each with a one-line
 * plain-text body; see {@link BulkAnswer}. A body of another Content-Type gets JAX-RS's 415.
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
  @Produces({MEDIA_TYPE, BulkAnswer.TEXT})
  public Response exchange(InputStream body) throws IOException {
    BulkAnswer answer = BulkAnswer.of(endpoints, body.readNBytes(WireLimits.HTTP.maxMessageBytes() + 1));
    return Response.status(answer.status()).type(answer.contentType())
        .header(BulkAnswer.VERSIONS_HEADER, BulkAnswer.VERSIONS).entity(answer.body()).build();
  }
}
