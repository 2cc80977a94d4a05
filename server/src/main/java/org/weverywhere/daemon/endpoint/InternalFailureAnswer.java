package org.weverywhere.daemon.endpoint;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;
import org.weverywhere.ErrorCode;
import org.weverywhere.host.Failures;

/**
 * The answer to whatever escapes the HTTP bulk channel's resource. {@link BulkExchange} answers
 * every body and turns the daemon's own failures into signed errors, but an {@link Error} (a native
 * library that failed to link, a class that failed to initialise) passes it, and Liberty then sent
 * its message to the remote sender as the body of a 500: a path on the host, measured with an
 * {@link UnsatisfiedLinkError}. The sender gets {@code 500} with {@code WE5050} and no detail; the
 * host's log gets the failure, counted and logged once per interval. Only {@link Error}s are
 * answered here: exceptions are {@link BulkExchange}'s, JAX-RS's own refusals (415, 404, 405) keep
 * their answer, and a write that fails because the sender went away stays the container's to handle
 * (a response already under way cannot become a 500).
 */
@Provider
public class InternalFailureAnswer implements ExceptionMapper<Error> {
  private static final Logger LOG = Logger.getLogger(InternalFailureAnswer.class.getName());

  private final Failures failures =
      new Failures("HTTP bulk channel (escaped)", LOG, Duration.ofMinutes(1), System::nanoTime);

  @Override
  public Response toResponse(Error failure) {
    failures.failed("a request to the HTTP bulk channel failed", failure);
    return BulkResource.response(
        BulkExchange.Reply.text(
            500,
            ErrorCode.PROTOCOL_INTERNAL,
            "the daemon failed while handling this request; it was counted and the daemon goes on",
            Map.of()),
        () -> {});
  }
}
