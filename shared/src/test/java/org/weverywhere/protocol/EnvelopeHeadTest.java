package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * A large body is judged by its head before the rest is read: every message this protocol writes
 * passes with its true length and names its signer or session, and a head that cannot begin a
 * message of the declared length is refused, whatever the bytes, with a protocol code.
 */
class EnvelopeHeadTest {
  private static final KeyPair KEY = Ed25519.generate();
  private static final MessageSigner SIGNER = new MessageSigner(KEY);

  private static byte[] signed(int moduleBytes) {
    return SIGNER.sign(
        Header.fresh(Audience.node(Fingerprint.of(KEY.getPublic())), Instant.now()),
        new Message.Execute(
            new Message.ModuleTarget(new byte[moduleBytes]),
            new Message.Command(java.util.List.of(), Map.of(), new byte[0])));
  }

  private static byte[] head(byte[] message) {
    return Arrays.copyOf(message, Math.min(message.length, EnvelopeHead.BYTES));
  }

  @Property(tries = 60)
  void everySignedMessageNamesItsSignerAtItsTrueLength(
      @ForAll @IntRange(min = 0, max = 300_000) int moduleBytes) {
    byte[] message = signed(moduleBytes);
    var claim =
        assertInstanceOf(
            EnvelopeHead.SignedBy.class,
            EnvelopeHead.read(head(message), EnvelopeHead.BYTES, message.length));
    assertEquals(Fingerprint.of(KEY.getPublic()), claim.signer());
  }

  @Property(tries = 60)
  void everySealedMessageNamesItsSession(
      @ForAll @IntRange(min = Sealed.MAC_BYTES, max = 300_000) int ciphertextBytes,
      @ForAll @Size(8) byte[] id) {
    byte[] message = Sealed.envelope(Sealed.protectedHeader(id, 7), new byte[ciphertextBytes]);
    var claim =
        assertInstanceOf(
            EnvelopeHead.InSession.class,
            EnvelopeHead.read(head(message), EnvelopeHead.BYTES, message.length));
    assertArrayEquals(id, claim.sessionId());
  }

  @Property(tries = 40)
  void aSignedMessageOfAnotherLengthIsRefused(
      @ForAll @IntRange(min = 0, max = 100_000) int moduleBytes,
      @ForAll @IntRange(min = -3, max = 8) int off) {
    if (off == 0 || off == 1 || off == 3 || off == 7) {
      return; // the signature's head may take 2, 3, 5 or 9 bytes: those lengths add up
    }
    byte[] message = signed(moduleBytes);
    var refused =
        assertThrows(
            ProtocolException.class,
            () -> EnvelopeHead.read(head(message), EnvelopeHead.BYTES, message.length + off));
    assertEquals(Reason.MALFORMED, refused.reason());
  }

  @Test
  void garbageAfterTheTagIsRefusedByItsSecondByte() {
    byte[] body = new byte[4 << 20];
    body[0] = (byte) 0xd2; // tag 18, then a zero where the array of 4 should be
    var refused =
        assertThrows(
            ProtocolException.class,
            () -> EnvelopeHead.read(head(body), EnvelopeHead.BYTES, body.length));
    assertEquals(Reason.MALFORMED, refused.reason());
  }

  @Test
  void aForeignProtectedHeaderIsRefused() {
    byte[] message = signed(100_000);
    byte[] head = head(message);
    head[6] = 0x26; // alg -7 (ES256) instead of -8
    assertThrows(
        ProtocolException.class, () -> EnvelopeHead.read(head, head.length, message.length));
  }

  @Test
  void aHeadCutShortIsTruncated() {
    byte[] message = signed(100_000);
    var refused =
        assertThrows(
            ProtocolException.class, () -> EnvelopeHead.read(head(message), 20, message.length));
    assertEquals(Reason.TRUNCATED, refused.reason());
  }

  @Test
  void aSessionHeaderOfAnotherShapeIsRefused() {
    byte[] message = Sealed.envelope(Sealed.protectedHeader(new byte[8], 1), new byte[70_000]);
    byte[] head = head(message);
    head[5] = 0x19; // alg 25 instead of 24
    assertThrows(
        ProtocolException.class, () -> EnvelopeHead.read(head, head.length, message.length));
  }

  @Property(tries = 500)
  void anyBytesEndInAClaimOrAProtocolException(
      @ForAll @Size(max = EnvelopeHead.BYTES) byte[] head,
      @ForAll @IntRange(min = 0, max = 64 << 20) int total) {
    try {
      EnvelopeHead.read(head, head.length, total);
    } catch (ProtocolException refused) {
      // a refusal with its reason is the other allowed end; anything else thrown fails the test
      assertEquals(refused.reason().code(), refused.code());
    }
  }
}
