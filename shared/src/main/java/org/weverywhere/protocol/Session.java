package org.weverywhere.protocol;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SessionKeys.Direction;
import org.weverywhere.trust.Fingerprint;

/**
 * One end of a session (docs/PROTOCOL.md §5a): opened by one signed handshake, after which messages
 * travel as COSE_Encrypt0 under ChaCha20-Poly1305, one key per direction, each message numbered by
 * its sender's counter. The requester's key is the one that signed the handshake: every message of
 * the session is its request, and the journal names that key and the handshake's signature.
 *
 * <p>Keys live in memory only: a daemon that restarts has no sessions, so nothing sealed before it
 * can be accepted after it.
 */
public final class Session {
  /** Which end of the session this is. */
  public enum Role {
    /** The client that offered it: sends to the node, receives from it. */
    CLIENT,
    /** The node that accepted it. */
    NODE
  }

  /** The largest counter a sender uses; a session that gets there must be replaced. */
  static final long MAX_COUNTER = (1L << 48) - 1;

  private final byte[] id;
  private final String idText;
  private final Role role;
  private final SessionKeys.Keys keys;
  private final Instant expires;
  private final PublicKey peerKey;
  private final Fingerprint peer;
  private final byte[] handshakeSignature;
  private final AtomicLong sent = new AtomicLong();
  private final ReplayWindow received = new ReplayWindow();

  Session(
      byte[] id,
      Role role,
      SessionKeys.Keys keys,
      Instant expires,
      PublicKey peerKey,
      Fingerprint peer,
      byte[] handshakeSignature) {
    if (id.length != SessionKeys.ID_BYTES) {
      throw new IllegalArgumentException("a session id has 8 bytes");
    }
    this.id = id.clone();
    this.idText = HexFormat.of().formatHex(id);
    this.role = Objects.requireNonNull(role);
    this.keys = Objects.requireNonNull(keys);
    this.expires = Objects.requireNonNull(expires);
    this.peerKey = Objects.requireNonNull(peerKey);
    this.peer = Objects.requireNonNull(peer);
    this.handshakeSignature = handshakeSignature.clone();
  }

  /**
   * The node's end of a session a verified {@code discover} offered.
   *
   * @param discoverWire the discover's envelope exactly as received (the key schedule's salt)
   * @param ephemeral the node's fresh X25519 key pair for this session
   * @param nodeKey the node's host key (its Ed25519 public key)
   * @param expires when the node forgets the session
   */
  public static Session accept(
      SignedMessage discover,
      byte[] discoverWire,
      KeyPair ephemeral,
      byte[] id,
      PublicKey nodeKey,
      Instant expires) {
    Message.SessionHello hello =
        ((Message.Discover) discover.message())
            .session()
            .orElseThrow(() -> new IllegalArgumentException("the discover offers no session"));
    byte[] shared = SessionKeys.agree(ephemeral.getPrivate(), hello.x25519());
    SessionKeys.Keys keys =
        SessionKeys.derive(
            shared,
            discoverWire,
            id,
            hello.x25519(),
            SessionKeys.raw(ephemeral.getPublic()),
            Sign1.rawKey(discover.signer()),
            Sign1.rawKey(nodeKey));
    return new Session(
        id,
        Role.NODE,
        keys,
        expires,
        discover.signer(),
        discover.fingerprint(),
        discover.signature());
  }

  /**
   * The client's end, once the node's verified {@code announce} accepted its offer.
   *
   * @param ephemeral the client's X25519 key pair whose public half the discover offered
   * @param discoverWire the discover exactly as sent
   * @param clientKey the client's Ed25519 public key, which signed the discover
   * @param now when the announce came: the session expires its ttl later
   */
  public static Session complete(
      KeyPair ephemeral,
      byte[] discoverWire,
      PublicKey clientKey,
      SignedMessage announce,
      Instant now) {
    Message.SessionWelcome welcome =
        ((Message.Announce) announce.message())
            .session()
            .orElseThrow(() -> new IllegalArgumentException("the announce accepts no session"));
    byte[] shared = SessionKeys.agree(ephemeral.getPrivate(), welcome.x25519());
    SessionKeys.Keys keys =
        SessionKeys.derive(
            shared,
            discoverWire,
            welcome.id(),
            SessionKeys.raw(ephemeral.getPublic()),
            welcome.x25519(),
            Sign1.rawKey(clientKey),
            Sign1.rawKey(announce.signer()));
    return new Session(
        welcome.id(),
        Role.CLIENT,
        keys,
        now.plusSeconds(welcome.ttlSeconds()),
        announce.signer(),
        announce.fingerprint(),
        announce.signature());
  }

  /** The 8-byte id, as sealed messages carry it. */
  public byte[] id() {
    return id.clone();
  }

  /** The id in lowercase hex, as the journal names it. */
  public String idText() {
    return idText;
  }

  public Role role() {
    return role;
  }

  /** The other end's key: the requester's for a node, the node's for a client. */
  public PublicKey peerKey() {
    return peerKey;
  }

  /** The other end's fingerprint: the requester for a node, the node id for a client. */
  public Fingerprint peer() {
    return peer;
  }

  /** The Ed25519 signature of the handshake message the other end signed. */
  public byte[] handshakeSignature() {
    return handshakeSignature.clone();
  }

  public Instant expires() {
    return expires;
  }

  /** Both directions' keys (for the test vectors). */
  SessionKeys.Keys keys() {
    return keys;
  }

  public boolean expired(Instant now) {
    return !now.isBefore(expires);
  }

  /** Messages sealed so far. */
  public long sent() {
    return sent.get();
  }

  /** The direction this end sends in. */
  Direction sending() {
    return role == Role.CLIENT ? Direction.TO_NODE : Direction.TO_CLIENT;
  }

  /** The direction this end receives. */
  Direction receiving() {
    return role == Role.CLIENT ? Direction.TO_CLIENT : Direction.TO_NODE;
  }

  /** {@code message} with {@code header}, sealed with the next counter of this end. */
  public byte[] seal(Header header, Message message) {
    return seal(MessageCodec.encode(header, message));
  }

  /** The exact length {@link #seal(Header, Message)} would give. */
  public int sealedSize(Header header, Message message) {
    return Sealed.size(MessageCodec.encode(header, message).length);
  }

  byte[] seal(byte[] payload) {
    long counter = sent.getAndIncrement();
    if (counter > MAX_COUNTER) {
      throw new IllegalStateException("session " + idText + " has sealed all it may");
    }
    return seal(payload, counter, sending());
  }

  /** Seals {@code payload} under {@code counter} in {@code direction}; vectors choose both. */
  byte[] seal(byte[] payload, long counter, Direction direction) {
    byte[] protectedHeader = Sealed.protectedHeader(id, counter);
    byte[] ciphertext =
        aead(Cipher.ENCRYPT_MODE, direction, counter, Sealed.aad(protectedHeader), payload);
    return Sealed.envelope(protectedHeader, ciphertext);
  }

  /** The payload of a sealed message for this end, or {@code BAD_MAC}. */
  byte[] open(Sealed.Parts parts) {
    try {
      return aead(
          Cipher.DECRYPT_MODE,
          receiving(),
          parts.counter(),
          Sealed.aad(parts.protectedHeader()),
          parts.ciphertext());
    } catch (BadTag forged) {
      throw new ProtocolException(
          Reason.SESSION_BAD_MAC,
          "message does not authenticate in session "
              + idText
              + " (wrong key, altered, or sent the other way)");
    }
  }

  /** Records {@code counter} as received; false when it was seen or is older than the window. */
  boolean accept(long counter) {
    return received.accept(counter);
  }

  /** Whether {@code counter} would be accepted now (it is not recorded). */
  boolean isNew(long counter) {
    return received.isNew(counter);
  }

  private static final class BadTag extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadTag(Throwable cause) {
      super(cause);
    }
  }

  private byte[] aead(int mode, Direction direction, long counter, byte[] aad, byte[] input) {
    SessionKeys.DirectionKeys k = keys.of(direction);
    byte[] nonce = k.iv().clone();
    for (int i = 0; i < 8; i++) {
      nonce[nonce.length - 1 - i] ^= (byte) (counter >>> (8 * i));
    }
    try {
      Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(mode, k.spec(), new IvParameterSpec(nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(input);
    } catch (AEADBadTagException forged) {
      throw new BadTag(forged);
    } catch (GeneralSecurityException unavailable) {
      if (mode == Cipher.DECRYPT_MODE) {
        // a ciphertext shorter than the tag, say: it does not authenticate
        throw new BadTag(unavailable);
      }
      throw new IllegalStateException("this JDK has no ChaCha20-Poly1305", unavailable);
    }
  }
}
