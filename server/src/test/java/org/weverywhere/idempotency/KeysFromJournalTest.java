package org.weverywhere.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * A restarted daemon reads back the keys of what it ran, from a real journal on disk; junk lines
 * are skipped.
 */
class KeysFromJournalTest {
  private final Fingerprint alice = Fingerprint.of(Ed25519.generate().getPublic());
  private final Message.Execute add =
      new Message.Execute(
          new Message.LibraryTarget("math"),
          new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));

  private static ObjectNode ran(Fingerprint signer, RequestKey key, byte[] hash) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("requester", signer.toString())
        .put("requestKey", key.toString())
        .put("requestHash", HexFormat.of().formatHex(hash));
  }

  @Test
  void keysOfFinishedExecutionsComeBackAsRunWithoutAResult(@TempDir Path dir) throws Exception {
    RequestKey key = RequestKey.random();
    RequestKey called = RequestKey.random();
    byte[] hash = RequestKey.contentHash(add);
    try (var journal = EventJournal.open(dir, 1 << 20, Duration.ofDays(1), "test")) {
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.execution.finished", "execute", ran(alice, key, hash)));
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.service.called", "call", ran(alice, called, hash)));
      // not an execution, and lines that are not what this version writes: none is a key to trust
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.execution.started",
              "execute",
              ran(alice, RequestKey.random(), hash)));
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.execution.finished",
              "execute",
              JsonNodeFactory.instance
                  .objectNode()
                  .put("requester", "nobody")
                  .put("requestKey", "zz")
                  .put("requestHash", "")));
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.execution.finished",
              "execute",
              ran(alice, RequestKey.random(), hash)
                  .put("requestKey", "00000000000000000000000000000000")));
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.execution.finished",
              "execute",
              JsonNodeFactory.instance.objectNode().put("requester", alice.toString())));
    }
    try (var journal = EventJournal.open(dir, 1 << 20, Duration.ofDays(1), "test")) {
      var keys = new RequestKeys(Duration.ofMinutes(10), 100, 1 << 20, System::nanoTime);
      assertEquals(2, KeysFromJournal.load(journal, keys, 100, Instant.now()));
      var repeat = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash));
      assertEquals(Optional.empty(), repeat.outcome().get(1, TimeUnit.SECONDS));
      assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, called, hash));
      var other =
          new Message.Execute(
              new Message.LibraryTarget("math"), new Message.Call("add", List.of()));
      assertInstanceOf(
          RequestKeys.Conflict.class, keys.claim(alice, key, RequestKey.contentHash(other)));
    }
  }

  @Test
  void keysOlderThanTheWindowAreNotRecovered(@TempDir Path dir) {
    try (var journal = EventJournal.open(dir, 1 << 20, Duration.ofDays(1), "test")) {
      journal.append(
          JournalEvent.unsequenced(
              "org.weverywhere.execution.finished",
              "execute",
              ran(alice, RequestKey.random(), RequestKey.contentHash(add))));
      var keys = new RequestKeys(Duration.ofMinutes(10), 100, 1 << 20, System::nanoTime);
      assertEquals(
          0, KeysFromJournal.load(journal, keys, 100, Instant.now().plus(Duration.ofMinutes(11))));
      assertEquals(0, keys.size());
    }
  }

  @Test
  void onlyTheLastEventsAreRead(@TempDir Path dir) {
    try (var journal = EventJournal.open(dir, 1 << 20, Duration.ofDays(1), "test")) {
      for (int i = 0; i < 50; i++) {
        journal.append(
            JournalEvent.unsequenced(
                "org.weverywhere.execution.finished",
                "execute",
                ran(alice, RequestKey.random(), RequestKey.contentHash(add))));
      }
      var keys = new RequestKeys(Duration.ofMinutes(10), 5, 1 << 20, System::nanoTime);
      int loaded = KeysFromJournal.load(journal, keys, 5, Instant.now());
      assertTrue(loaded <= 5, loaded + " keys for room of 5");
      assertTrue(keys.size() <= 5);
    }
  }
}
