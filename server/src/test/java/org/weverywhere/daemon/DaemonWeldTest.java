package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.daemon.health.DaemonReadiness;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

/**
 * The daemon's beans wire and start under Weld SE, as they do on Liberty (where DaemonIT checks
 * the readiness endpoint; Weld SE has no MicroProfile Health implementation).
 */
@EnableWeld
class DaemonWeldTest {
  private static Path configDir;
  private static Path stateDir;

  @BeforeAll
  static void configuration() throws IOException {
    configDir = Files.createTempDirectory("we-config");
    stateDir = configDir.resolve("state");
    Files.writeString(configDir.resolve("weverywhere.conf"), "state.dir = " + stateDir + "\n");
    System.setProperty(ConfigLoader.CONFIG_DIR_PROPERTY, configDir.toString());
  }

  @AfterAll
  static void clearProperty() {
    System.clearProperty(ConfigLoader.CONFIG_DIR_PROPERTY);
  }

  @WeldSetup
  WeldInitiator weld = WeldInitiator.from(
      DaemonConfiguration.class, DaemonState.class, Daemon.class, DaemonReadiness.class).build();

  @Inject Daemon daemon;

  @Test
  void startsWithAHostKeyOnlyItsUserCanRead() throws IOException {
    assertTrue(daemon.startedAt().isPresent(), "Startup event observed");
    Path key = stateDir.resolve("host.key.pem");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals(Fingerprint.of(KeyPem.readPublicKey(stateDir.resolve("host.pub-key.pem"))),
        daemon.identity().nodeId());
    assertEquals(configDir.toString(), daemon.config().location());
    String journal = Files.readString(stateDir.resolve("events/events-00000000000000000001.jsonl"));
    assertTrue(journal.contains("\"type\":\"org.weverywhere.daemon.started\""), journal);
  }
}
