package org.weverywhere.desktop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;

class IdentityModelTest {
  @TempDir Path home;
  private final EventBus bus = new EventBus();
  private final List<ExplorerEvent.IdentityChanged> changes = new ArrayList<>();

  private IdentityModel model() {
    bus.subscribe(ExplorerEvent.IdentityChanged.class, changes::add);
    return new IdentityModel(bus, home.resolve("keys"));
  }

  @Test
  void startsAnonymousWithAFreshKey() {
    IdentityModel model = model();
    assertEquals(Optional.empty(), model.identityProperty().get().privateKey());
    assertEquals(model.signer().fingerprint(), model.identityProperty().get().fingerprint());
    assertNotEquals(
        model.signer().fingerprint(), new IdentityModel(bus, home).signer().fingerprint());
  }

  @Test
  void createWritesTheSameFilesAsKeygenAndSignsWithThem() throws IOException {
    IdentityModel model = model();
    assertTrue(model.create("alice"));

    Path privateKey = home.resolve("keys/alice.key.pem");
    assertEquals(Optional.of(privateKey), model.identityProperty().get().privateKey());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("keys"))));
    Fingerprint onDisk =
        Fingerprint.of(KeyPem.readPublicKey(home.resolve("keys/alice.pub-key.pem")));
    assertEquals(onDisk, model.signer().fingerprint());
    assertEquals(onDisk, changes.getLast().fingerprint());
  }

  @Test
  void createRefusesToOverwriteAndBadNames() {
    IdentityModel model = model();
    assertTrue(model.create("bob"));
    Fingerprint first = model.signer().fingerprint();
    assertFalse(model.create("bob"));
    assertEquals(
        home.resolve("keys/bob.key.pem")
            + ": already exists; use --force to replace the key pair [WE1003]",
        model.errorProperty().get());
    assertEquals(first, model.signer().fingerprint(), "a failed create keeps the key in use");
    assertFalse(model.create("../escape"));
    assertTrue(model.errorProperty().get().startsWith("invalid key name '../escape'"));
  }

  @Test
  void chooseReadsAKeyFileAndABadOneIsAnErrorWithItsCode() throws IOException {
    IdentityModel creator = model();
    creator.create("carol");
    IdentityModel model = new IdentityModel(bus, home.resolve("keys"));
    assertTrue(model.choose(home.resolve("keys/carol.key.pem")));
    assertEquals(creator.signer().fingerprint(), model.signer().fingerprint());

    Path junk = Files.writeString(home.resolve("junk.key.pem"), "not a key\n");
    Fingerprint before = model.signer().fingerprint();
    assertFalse(model.choose(junk));
    String error = model.errorProperty().get();
    assertTrue(error.startsWith(junk.toString()), error);
    assertTrue(error.matches(".* \\[WE4\\d{3}]"), error);
    assertEquals(before, model.signer().fingerprint());
  }
}
