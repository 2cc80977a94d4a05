package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirectoriesTest {
  @Test
  void aTreeWithADaemonsStateGoesWhole() throws IOException {
    Path dir = ScratchDirectories.create("we-scratch");
    assertTrue(dir.getFileName().toString().startsWith("we-scratch"));
    Files.createDirectories(dir.resolve("state/events"));
    Files.writeString(dir.resolve("state/events/journal-1.jsonl"), "{}\n");
    Files.writeString(dir.resolve("weverywhere.conf"), "node.name = x\n");

    ScratchDirectories.delete(dir);

    assertFalse(Files.exists(dir));
  }

  @Test
  void deletingWhatIsGoneAlreadyIsNoError() {
    Path dir = ScratchDirectories.create("we-scratch");
    ScratchDirectories.delete(dir);
    assertDoesNotThrow(() -> ScratchDirectories.delete(dir));
  }
}
