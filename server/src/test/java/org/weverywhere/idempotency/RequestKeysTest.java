package org.weverywhere.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/** At most one run per signer and key, within the window and the bounds. */
class RequestKeysTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Fingerprint alice = Fingerprint.of(Ed25519.generate().getPublic());
  private final Fingerprint bob = Fingerprint.of(Ed25519.generate().getPublic());
  private final Message.Execute add =
      new Message.Execute(
          new Message.LibraryTarget("math"),
          new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40))));
  private final Message.Result result =
      new Message.Result(
          "completed", 0, new byte[0], new byte[0], List.of(Message.WasmValue.i32(42)), 1000);

  private RequestKeys keys(int entries, long bytes) {
    return new RequestKeys(Duration.ofSeconds(60), entries, bytes, now::get);
  }

  private static byte[] hash(Message m) {
    return RequestKey.contentHash(m);
  }

  @Test
  void aRetryAfterTheFirstFinishedGetsTheKeptResultWithoutRunning() throws Exception {
    var keys = keys(100, 1 << 20);
    RequestKey key = RequestKey.random();
    var first =
        assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add.withKey(key))));
    first.ticket().finish(result, 200);
    var repeat =
        assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add.withKey(key))));
    assertFalse(repeat.running());
    assertSame(result, repeat.outcome().get(1, TimeUnit.SECONDS).orElseThrow());
  }

  @Test
  void aRetryWhileTheFirstRunsWaitsForItsResult() throws Exception {
    var keys = keys(100, 1 << 20);
    RequestKey key = RequestKey.random();
    var first = assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
    var repeat = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add)));
    assertTrue(repeat.running());
    assertEquals(0, repeat.alreadyWaiting());
    assertFalse(repeat.outcome().isDone());
    var another = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add)));
    assertEquals(1, another.alreadyWaiting());
    first.ticket().finish(result, 200);
    assertSame(result, another.outcome().get(1, TimeUnit.SECONDS).orElseThrow());
    assertSame(result, repeat.outcome().get(1, TimeUnit.SECONDS).orElseThrow());
  }

  @Test
  void theKeyIgnoresIdTimestampAndTheKeyItselfButNotTheContent() {
    RequestKey key = RequestKey.random();
    assertTrue(java.util.Arrays.equals(hash(add), hash(add.withKey(key))));
    var other =
        new Message.Execute(
            new Message.LibraryTarget("math"),
            new Message.Call("add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(41))));
    var keys = keys(100, 1 << 20);
    assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
    assertInstanceOf(RequestKeys.Conflict.class, keys.claim(alice, key, hash(other)));
    var call =
        new Message.ServiceCall(
            "math", "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40)));
    assertInstanceOf(RequestKeys.Conflict.class, keys.claim(alice, key, hash(call)));
  }

  @Test
  void keysArePerSigner() {
    var keys = keys(100, 1 << 20);
    RequestKey key = RequestKey.random();
    assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
    assertInstanceOf(RequestKeys.First.class, keys.claim(bob, key, hash(add)));
  }

  @Test
  void aRefusalFreesTheKeyAndTellsThoseWaiting() throws Exception {
    var keys = keys(100, 1 << 20);
    RequestKey key = RequestKey.random();
    var first = assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
    var waiting = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add)));
    var refusal = new Message.ErrorReply("WE5022", "over quota", Optional.of("cores"));
    first.ticket().release(refusal);
    assertSame(refusal, waiting.outcome().get(1, TimeUnit.SECONDS).orElseThrow());
    assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
  }

  @Test
  void aFailureWithoutReplyFailsThoseWaitingAndFreesTheKey() {
    var keys = keys(100, 1 << 20);
    RequestKey key = RequestKey.random();
    var first = assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
    var waiting = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add)));
    first.ticket().abandon(new IllegalStateException("journal down"));
    assertThrows(ExecutionException.class, () -> waiting.outcome().get(1, TimeUnit.SECONDS));
    assertEquals(0, keys.size());
  }

  @Test
  void finishedKeysAreForgottenAfterTheWindow() {
    var keys = keys(100, 1 << 20);
    RequestKey key = RequestKey.random();
    ((RequestKeys.First) keys.claim(alice, key, hash(add))).ticket().finish(result, 200);
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add)));
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    keys.claim(bob, RequestKey.random(), hash(add)); // any claim sweeps
    assertEquals(1, keys.size());
    assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
  }

  @Test
  void aResultTooLargeToKeepLeavesItsKeySoTheRetryIsNotRunAgain() throws Exception {
    var keys = keys(100, 1600); // one result may take at most 100 bytes
    RequestKey key = RequestKey.random();
    ((RequestKeys.First) keys.claim(alice, key, hash(add))).ticket().finish(result, 101);
    var repeat = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, key, hash(add)));
    assertEquals(Optional.empty(), repeat.outcome().get(1, TimeUnit.SECONDS));
    assertEquals(0, keys.keptBytes());
  }

  @Test
  void overTheByteBoundTheOldestResultsGoButTheirKeysStay() throws Exception {
    var keys = keys(100, 1600); // 100 bytes per result at most, 1600 in all
    RequestKey[] all = new RequestKey[20];
    for (int i = 0; i < all.length; i++) {
      all[i] = RequestKey.random();
      ((RequestKeys.First) keys.claim(alice, all[i], hash(add))).ticket().finish(result, 100);
    }
    assertTrue(keys.keptBytes() <= 1600, "kept " + keys.keptBytes());
    var oldest = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, all[0], hash(add)));
    assertEquals(Optional.empty(), oldest.outcome().get(1, TimeUnit.SECONDS));
    var newest = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, all[19], hash(add)));
    assertSame(result, newest.outcome().get(1, TimeUnit.SECONDS).orElseThrow());
  }

  @Test
  void overTheEntryBoundTheOldestFinishedGoButRunningOnesNever() {
    var keys = keys(8, 1 << 20);
    RequestKeys.Ticket[] alices = new RequestKeys.Ticket[2];
    for (int i = 0; i < 2; i++) { // a quarter of 8 per signer
      alices[i] =
          assertInstanceOf(
                  RequestKeys.First.class, keys.claim(alice, RequestKey.random(), hash(add)))
              .ticket();
    }
    var third = keys.claim(alice, RequestKey.random(), hash(add));
    assertTrue(
        assertInstanceOf(RequestKeys.Full.class, third).why().contains("this signer"),
        third.toString());
    // three other signers fill the rest with running requests
    for (int s = 0; s < 3; s++) {
      Fingerprint other = Fingerprint.of(Ed25519.generate().getPublic());
      for (int i = 0; i < 2; i++) {
        assertInstanceOf(
            RequestKeys.First.class, keys.claim(other, RequestKey.random(), hash(add)));
      }
    }
    assertEquals(8, keys.size());
    assertInstanceOf(RequestKeys.Full.class, keys.claim(bob, RequestKey.random(), hash(add)));
    // alice's first finishes: now it may be pushed out for a newcomer, the running ones stay
    alices[0].finish(result, 100);
    assertInstanceOf(RequestKeys.First.class, keys.claim(bob, RequestKey.random(), hash(add)));
    assertEquals(8, keys.size());
    assertInstanceOf(RequestKeys.Full.class, keys.claim(bob, RequestKey.random(), hash(add)));
  }

  /**
   * A signer at its share pushes out its own oldest finished key, past its running ones, and leaves
   * the older keys of other signers in front of it alone (issue 16: finding it by walking every
   * signer's keys made this a third of the daemon's CPU).
   */
  @Test
  void aSignerAtItsSharePushesOutItsOwnOldestFinishedNotOthers() throws Exception {
    var keys = keys(64, 1 << 20); // a quarter, 16, per signer
    List<RequestKey> bobs = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      RequestKey key = RequestKey.random();
      bobs.add(key);
      assertInstanceOf(RequestKeys.First.class, keys.claim(bob, key, hash(add)))
          .ticket()
          .finish(result, 100);
    }
    List<RequestKey> alices = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      RequestKey key = RequestKey.random();
      alices.add(key);
      var ticket = assertInstanceOf(RequestKeys.First.class, keys.claim(alice, key, hash(add)));
      if (i > 0) { // her first stays running
        ticket.ticket().finish(result, 100);
      }
    }
    assertInstanceOf(RequestKeys.First.class, keys.claim(alice, RequestKey.random(), hash(add)));
    assertEquals(32, keys.size());
    // bob's keys, all older, are all still answered from their kept results
    for (RequestKey key : bobs) {
      var repeat = assertInstanceOf(RequestKeys.Repeat.class, keys.claim(bob, key, hash(add)));
      assertSame(result, repeat.outcome().get(1, TimeUnit.SECONDS).orElseThrow());
    }
    // alice's running first stays; her oldest finished, the second, is the one that went
    assertTrue(
        assertInstanceOf(RequestKeys.Repeat.class, keys.claim(alice, alices.get(0), hash(add)))
            .running());
    assertInstanceOf(
        RequestKeys.Repeat.class, keys.claim(alice, alices.get(2), hash(add)), "the third stays");
    assertInstanceOf(
        RequestKeys.First.class, keys.claim(alice, alices.get(1), hash(add)), "the second went");
  }

  @Test
  void badBoundsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new RequestKeys(Duration.ZERO, 1, 1, now::get));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RequestKeys(Duration.ofSeconds(1), 0, 1, now::get));
  }
}
