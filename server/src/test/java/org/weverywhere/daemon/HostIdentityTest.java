package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.StateDirectory;
import org.weverywhere.trust.KeyException;

class HostIdentityTest {
  @TempDir Path dir;

  @Test
  void createdOnceThenReused() {
    var state = new StateDirectory(dir);
    HostIdentity first = HostIdentity.loadOrCreate(state);
    HostIdentity again = HostIdentity.loadOrCreate(state);
    assertTrue(first.created());
    assertFalse(again.created());
    assertEquals(first.nodeId(), again.nodeId());
  }

  @Test
  void aHostKeyOthersCanReadIsRefused() throws IOException {
    var state = new StateDirectory(dir);
    HostIdentity.loadOrCreate(state);
    Path key = dir.resolve("host.key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    var refused = assertThrows(KeyException.class, () -> HostIdentity.loadOrCreate(state));
    assertEquals(ErrorCode.KEY_EXPOSED, refused.code());
    assertTrue(
        refused.getMessage().startsWith(key + ": host key is accessible to other users"),
        refused.getMessage());
  }

  @Test
  void aCorruptHostKeyNamesTheFile() throws IOException {
    var state = new StateDirectory(dir);
    Path key =
        Files.writeString(dir.resolve("host.key.pem"), "-----BEGIN PRIVATE KEY-----\nnope\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    var refused = assertThrows(KeyException.class, () -> HostIdentity.loadOrCreate(state));
    assertTrue(refused.getMessage().startsWith(key.toString()), refused.getMessage());
  }
}
