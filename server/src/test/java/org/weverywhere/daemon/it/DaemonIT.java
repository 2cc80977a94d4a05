package org.weverywhere.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.container.annotation.ArquillianTest;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** The daemon's real WAR on a real Open Liberty: it starts, and says it is ready, with its node id. */
@ArquillianTest
@RunAsClient
class DaemonIT {
  @Deployment(testable = false)
  static WebArchive daemon() {
    return ShrinkWrap.create(ZipImporter.class, "weverywhere-server.war")
        .importFrom(new File("target/weverywhere-server.war"))
        .as(WebArchive.class);
  }

  @Test
  void readinessSaysUpWithTheNodeId() throws Exception {
    HttpResponse<String> ready = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:22391/health/ready"))
            .timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"weverywhere-daemon\""), ready.body());
    assertTrue(ready.body().matches("(?s).*\"nodeId\":\"SHA256:[A-Za-z0-9+/]{43}\".*"), ready.body());
    assertTrue(ready.body().contains("weverywhereTest/etc\""), ready.body());
    assertTrue(Files.exists(Path.of("target/liberty/wlp/usr/servers/weverywhereTest/state/host.key.pem")),
        "host key in the state directory from server.env");
  }
}
