package org.weverywhere.daemon.endpoint;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The HTTP bulk channel: {@code POST /weverywhere/v1/messages}, one signed request in, one signed
 * reply out (errors included, so refusals are signed too). What is answered, and how a body that
 * cannot be verified is refused, is {@link BulkExchange}'s: this resource only carries it, and
 * holds back the refusals of strangers' unread bodies ({@link HeldRefusals}) without holding a
 * thread. A body of another Content-Type gets JAX-RS's 415.
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
  @Produces({MEDIA_TYPE, BulkExchange.TEXT})
  public void exchange(
      InputStream body, @Context HttpServletRequest http, @Suspended AsyncResponse answer)
      throws UnknownHostException {
    var timeline = HttpRequestTimeline.enteredAt(System.nanoTime());
    InetAddress source = InetAddress.getByName(http.getRemoteAddr());
    BulkExchange.Reply reply =
        endpoints.bulk().exchange(source, http.getContentLengthLong(), body, timeline);
    Response response = response(reply, timeline::written);
    if (reply.holdable()) {
      endpoints.heldRefusals().send(source, () -> answer.resume(response));
    } else {
      answer.resume(response);
    }
  }

  /** The JAX-RS response that sends {@code reply}, then runs {@code written}. */
  static Response response(BulkExchange.Reply reply, Runnable written) {
    var response =
        Response.status(reply.status())
            .type(reply.type())
            .header("Content-Length", reply.body().length)
            .entity(
                (StreamingOutput)
                    out -> {
                      reply.writeTo(out);
                      written.run();
                    });
    reply.headers().forEach(response::header);
    return response.build();
  }
}
