package org.weverywhere.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.container.annotation.ArquillianTest;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.weverywhere.daemon.endpoint.BulkExchange;

/**
 * What a remote sender sees when something the daemon does not catch escapes a resource, on a real
 * Open Liberty: the daemon's WAR with {@link FailingResource} added. Liberty sent an {@link
 * Error}'s message (a path on the host) as the body of its 500 until {@code InternalFailureAnswer}.
 */
@ArquillianTest
@RunAsClient
class EscapedFailureIT {
  @Deployment(testable = false)
  static WebArchive daemon() {
    return ShrinkWrap.create(ZipImporter.class, "weverywhere-server.war")
        .importFrom(new File("target/weverywhere-server.war"))
        .as(WebArchive.class)
        .addClass(FailingResource.class);
  }

  private static final URI BASE = URI.create("http://127.0.0.1:22391/weverywhere/v1/");

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anErrorEscapingAResourceIsA500WithItsCodeAndNoDetail() throws Exception {
    var answer = send(HttpRequest.newBuilder(BASE.resolve("test-failure")));
    assertEquals(500, answer.statusCode(), answer.body());
    assertTrue(answer.body().startsWith("WE5050 "), answer.body());
    assertFalse(answer.body().contains(FailingResource.SECRET), answer.body());
    assertFalse(answer.body().contains("UnsatisfiedLinkError"), answer.body());
    assertEquals(
        Optional.of(BulkExchange.VERSIONS),
        answer.headers().firstValue(BulkExchange.VERSIONS_HEADER));
  }

  @Test
  void theChannelsOwnRefusalsKeepTheirStatus() throws Exception {
    var wrongType =
        send(
            HttpRequest.newBuilder(BASE.resolve("messages"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("not a message")));
    assertEquals(415, wrongType.statusCode(), wrongType.body());
    assertEquals(404, send(HttpRequest.newBuilder(BASE.resolve("nothing-here"))).statusCode());
  }
}
