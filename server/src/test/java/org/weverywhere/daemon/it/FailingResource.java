package org.weverywhere.daemon.it;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Added to the daemon's WAR by {@link EscapedFailureIT} only: fails as a native library that cannot
 * be linked does, with an {@link Error} that names a path on the host.
 */
@Path("/v1/test-failure")
public class FailingResource {
  static final String SECRET = "/var/lib/secret/libwasmtime_jni.so";

  @GET
  public String fail() {
    throw new UnsatisfiedLinkError(SECRET + ": cannot open shared object file");
  }
}
