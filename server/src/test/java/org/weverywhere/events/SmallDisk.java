package org.weverywhere.events;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs a test mounts to have a disk that really fills up (no mock of the file system):
 * needs root; {@link #mount} says false where it cannot, and the test is skipped with the reason.
 */
public final class SmallDisk {
  private SmallDisk() {}

  /**
   * Mounts a tmpfs of {@code size} (e.g. {@code 128k}) on {@code at}; false when this process may
   * not.
   */
  public static boolean mount(Path at, String size) throws IOException, InterruptedException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    Process mount =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", at.toString())
            .redirectErrorStream(true)
            .start();
    return mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
  }

  public static void unmount(Path at) throws IOException, InterruptedException {
    Process umount =
        new ProcessBuilder("umount", "-l", at.toString()).redirectErrorStream(true).start();
    if (!umount.waitFor(10, TimeUnit.SECONDS) || umount.exitValue() != 0) {
      throw new IOException(
          "could not unmount the test's tmpfs at "
              + at
              + ": "
              + new String(
                  umount.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /**
   * Writes a file until the disk is full (bounded by the disk's size); delete it to free the space.
   */
  public static Path fill(Path disk) throws IOException {
    Path filler = disk.resolve("filler");
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1 << 20; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      return filler; // "No space left on device": what the test wanted
    }
    throw new IOException("the disk at " + disk + " did not fill up");
  }
}
