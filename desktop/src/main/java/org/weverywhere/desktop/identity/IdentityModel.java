package org.weverywhere.desktop.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Objects;
import java.util.Optional;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPairFiles;
import org.weverywhere.trust.KeyPem;

/**
 * The Identity screen's state: the key that signs the explorer's requests. It starts anonymous (a
 * fresh key per run, as {@code weverywhere discover} without {@code --key}); the user chooses a key
 * file or creates one exactly as {@code weverywhere keygen} does (same directory, names and modes).
 */
public final class IdentityModel {
  /** What signs now: a key file, or an anonymous key that lives only in this run. */
  public record Identity(Optional<Path> privateKey, Fingerprint fingerprint) {
    public String describe() {
      return privateKey.map(Path::toString).orElse("anonymous (a fresh key for this run)");
    }
  }

  private final EventBus bus;
  private final Path keyDirectory;
  private final ReadOnlyObjectWrapper<Identity> identity =
      new ReadOnlyObjectWrapper<>(this, "identity");
  private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
  private volatile MessageSigner signer; // read by network threads at each request

  /**
   * @param keyDirectory where new keys go, {@code ~/.config/weverywhere/keys} in the explorer
   */
  public IdentityModel(EventBus bus, Path keyDirectory) {
    this.bus = Objects.requireNonNull(bus);
    this.keyDirectory = Objects.requireNonNull(keyDirectory);
    use(Optional.empty(), Ed25519.generate());
  }

  public ReadOnlyObjectProperty<Identity> identityProperty() {
    return identity.getReadOnlyProperty();
  }

  /** The last failure as one line with its code, empty after a success. */
  public ReadOnlyStringProperty errorProperty() {
    return error.getReadOnlyProperty();
  }

  public Path keyDirectory() {
    return keyDirectory;
  }

  /** The signer for the next request; safe to call from any thread. */
  public MessageSigner signer() {
    return signer;
  }

  /** Signs with the private key in {@code file} (PKCS#8 PEM, as keygen writes it). */
  public boolean choose(Path file) {
    try {
      PrivateKey key = KeyPem.readPrivateKey(file);
      use(Optional.of(file), new KeyPair(Ed25519.publicKeyOf(key), key));
      return true;
    } catch (WeverywhereException failed) {
      error.set(failed.getMessage() + " [" + failed.code().code() + "]");
      return false;
    }
  }

  /**
   * Creates key pair {@code name} in the key directory, like {@code weverywhere keygen --name
   * NAME}, and signs with it.
   */
  public boolean create(String name) {
    if (!KeyPairFiles.isValidName(name)) {
      error.set(
          "invalid key name '"
              + name
              + "': use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'");
      return false;
    }
    try {
      if (!Files.isDirectory(keyDirectory)) {
        Files.createDirectories(keyDirectory, KeyPairFiles.directoryPermissions(keyDirectory));
      }
      KeyPairFiles files = KeyPairFiles.named(keyDirectory, name);
      KeyPair pair = Ed25519.generate();
      files.write(pair, false);
      use(Optional.of(files.privateKey()), pair);
      return true;
    } catch (IOException failed) {
      error.set(
          keyDirectory
              + ": cannot create directory: "
              + failed.getMessage()
              + " ["
              + ErrorCode.IO_UNWRITABLE.code()
              + "]");
      return false;
    } catch (WeverywhereException failed) {
      error.set(failed.getMessage() + " [" + failed.code().code() + "]");
      return false;
    }
  }

  private void use(Optional<Path> file, KeyPair pair) {
    signer = new MessageSigner(pair);
    identity.set(new Identity(file, signer.fingerprint()));
    error.set("");
    file.ifPresent(f -> bus.publish(new ExplorerEvent.IdentityChanged(f, signer.fingerprint())));
  }
}
