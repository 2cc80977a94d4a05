package org.weverywhere.trust;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * The two files of a named key pair in one directory: {@code NAME.key.pem} (private, PKCS#8, mode
 * 0600) and {@code NAME.pub-key.pem} (public, SPKI, mode 0644).
 */
public record KeyPairFiles(Path privateKey, Path publicKey) {
  public static final String PRIVATE_SUFFIX = ".key.pem";
  public static final String PUBLIC_SUFFIX = ".pub-key.pem";

  /** ASCII letters, digits, '-', '_', '.'; not starting with '.'; at most 64 characters. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

  /** True when {@code name} can name a key pair (and so cannot escape its directory). */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  /** The files of key pair {@code name} in {@code directory}. */
  public static KeyPairFiles named(Path directory, String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "invalid key name '"
              + name
              + "': use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'");
    }
    return new KeyPairFiles(
        directory.resolve(name + PRIVATE_SUFFIX), directory.resolve(name + PUBLIC_SUFFIX));
  }

  /**
   * Writes both files. Each appears complete or not at all (written to a temporary file in the same
   * directory, then linked or renamed into place), and the private key's temporary file is created
   * with mode 0600, so its secret bytes are never readable by others, not even for an instant.
   * Without {@code replace}, an existing file of either name is an {@code IO_EXISTS} error and
   * nothing is written.
   */
  public void write(KeyPair pair, boolean replace) {
    if (!replace) {
      for (Path file : new Path[] {privateKey, publicKey}) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new WeverywhereException(
              ErrorCode.IO_EXISTS, file + ": already exists; use --force to replace the key pair");
        }
      }
    }
    byte[] secret = KeyPem.privateKeyText(pair.getPrivate());
    try {
      place(privateKey, secret, "rw-------", replace);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    place(
        publicKey,
        KeyPem.publicKeyText(pair.getPublic()).getBytes(StandardCharsets.US_ASCII),
        "rw-r--r--",
        replace);
  }

  private static void place(Path target, byte[] content, String mode, boolean replace) {
    Path directory = target.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(directory, ".tmp-", ".pem", permissions(directory, mode));
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (replace) {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // a hard link fails if the name exists, where rename(2) would silently replace it
        Files.createLink(target, temporary);
        Files.delete(temporary);
      }
      temporary = null;
    } catch (FileAlreadyExistsException exists) {
      throw new WeverywhereException(
          ErrorCode.IO_EXISTS,
          target + ": already exists; use --force to replace the key pair",
          exists);
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNWRITABLE, target + ": cannot write: " + failed.getMessage(), failed);
    } finally {
      deleteQuietly(temporary);
    }
  }

  /** Mode 0700 for a new key directory, where the file system has POSIX modes. */
  public static FileAttribute<?>[] directoryPermissions(Path directory) {
    return permissions(directory, "rwx------");
  }

  /** The permissions to create with, or none on a file system without POSIX modes. */
  private static FileAttribute<?>[] permissions(Path directory, String mode) {
    if (!directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))
    };
  }

  private static void deleteQuietly(Path temporary) {
    if (temporary == null) {
      return;
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // the write already failed with its own error; a leftover .tmp- file is the lesser problem
    }
  }
}
