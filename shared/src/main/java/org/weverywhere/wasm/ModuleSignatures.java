package org.weverywhere.wasm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.Sha256;

/**
 * Ed25519 signatures embedded in a module, in the WebAssembly tool-conventions format
 * (Signatures.md) as wasmsign2 implements it: a first custom section named {@code signature}
 * holding, for one or more sets of hashes, the signatures of several signers.
 *
 * <p>Content hashes are SHA-256 over every section after the signature section, each written as id,
 * minimal LEB128 size and payload (so a module whose sizes are padded hashes the same as wasmsign2
 * computes); {@code signature_delimiter} sections split the content into parts with a rolling hash.
 * A signature signs {@code "wasmsig" ‖ 01 ‖ 01 ‖ 01 ‖ hashes} (spec version, content type module,
 * hash SHA-256). The key id is {@code 01 ‖ raw Ed25519 public key} (wasmsign2's public key
 * encoding), so a verifier needs no key list to name the signer; whether the signer is trusted is
 * the Signature Groups' business. See docs/SIGNING.md.
 */
public final class ModuleSignatures {
  public static final String SECTION = "signature";
  public static final String DELIMITER = "signature_delimiter";
  private static final byte[] DOMAIN = "wasmsig".getBytes(StandardCharsets.US_ASCII);
  private static final int SPEC_VERSION = 0x01;
  private static final int CONTENT_TYPE_MODULE = 0x01;
  private static final int HASH_SHA256 = 0x01;
  private static final int ALG_ED25519 = 0x01;
  private static final int MAX_HASHES = 64;
  private static final int MAX_SIGNATURES = 256;

  private ModuleSignatures() {}

  /**
   * One signature found in a module, checked. {@code signer} is empty when its key id is not a key.
   */
  public record Check(Optional<Fingerprint> signer, boolean valid, String detail) {}

  /**
   * What a module's signature section says: unsigned, or signed with these checks (some may fail).
   */
  public record Report(boolean signed, List<Check> checks) {
    public Report {
      checks = List.copyOf(checks);
    }

    /** Signed, and every signature verifies over this very content. */
    public boolean allValid() {
      return signed && !checks.isEmpty() && checks.stream().allMatch(Check::valid);
    }
  }

  /**
   * Checks every signature in {@code module}. A malformed signature section is signed-and-invalid.
   */
  public static Report verify(byte[] module) {
    List<Section> sections = sections(module);
    int index = signatureIndex(sections);
    if (index < 0) {
      return new Report(false, List.of());
    }
    if (index > 0) {
      return invalid(
          "the signature section is section "
              + index
              + ", not the first; nothing it says is trusted");
    }
    List<SignedHashes> sets;
    try {
      sets =
          SignatureData.parse(
              Arrays.copyOfRange(
                  module, sections.get(0).payloadNameEnd(module), sections.get(0).end()));
    } catch (IllegalArgumentException malformed) {
      return invalid("signature section is malformed: " + malformed.getMessage());
    }
    byte[] content = contentHash(module, sections.subList(1, sections.size()));
    List<Check> checks = new ArrayList<>();
    for (SignedHashes set : sets) {
      for (SignatureEntry entry : set.signatures()) {
        checks.add(check(set, entry, content));
      }
    }
    if (checks.isEmpty()) {
      return invalid("signature section holds no signatures");
    }
    return new Report(true, checks);
  }

  /**
   * {@code module} with {@code keys}' signature added to its signature section (created first when
   * absent; a previous signature by the same key over the same content is replaced; signatures over
   * other content are dropped, since they could never verify again). The sections themselves are
   * kept byte for byte.
   */
  public static byte[] sign(byte[] module, KeyPair keys) {
    List<Section> sections = sections(module);
    int index = signatureIndex(sections);
    if (index > 0) {
      throw WasmFormatException.malformed(
          sections.get(index).start(),
          "a signature section that is not the first section; remove it before signing");
    }
    List<SignedHashes> previous = new ArrayList<>();
    if (index == 0) {
      try {
        previous.addAll(
            SignatureData.parse(
                Arrays.copyOfRange(
                    module, sections.get(0).payloadNameEnd(module), sections.get(0).end())));
      } catch (IllegalArgumentException malformed) {
        throw WasmFormatException.malformed(
            sections.get(0).start(),
            "existing signature section is malformed ("
                + malformed.getMessage()
                + "); remove it before signing");
      }
    }
    List<Section> content = index == 0 ? sections.subList(1, sections.size()) : sections;
    List<byte[]> hashes = partHashes(module, content);
    byte[] keyId = keyId(keys.getPublic());
    SignatureEntry mine =
        new SignatureEntry(keyId, ALG_ED25519, Ed25519.sign(keys.getPrivate(), message(hashes)));
    List<SignedHashes> sets = new ArrayList<>();
    boolean placed = false;
    for (SignedHashes set : previous) {
      if (!sameHashes(set.hashes(), hashes)) {
        continue; // signed other content: cannot verify any more
      }
      List<SignatureEntry> signatures = new ArrayList<>();
      for (SignatureEntry entry : set.signatures()) {
        if (!Arrays.equals(entry.keyId(), keyId)) {
          signatures.add(entry);
        }
      }
      signatures.add(mine);
      sets.add(new SignedHashes(set.hashes(), signatures));
      placed = true;
    }
    if (!placed) {
      sets.add(new SignedHashes(hashes, List.of(mine)));
    }
    var out = new ByteArrayOutputStream(module.length + 256);
    out.write(module, 0, 8);
    byte[] name = SECTION.getBytes(StandardCharsets.UTF_8);
    byte[] data = SignatureData.serialize(sets);
    var payload = new ByteArrayOutputStream();
    Leb128.write(payload, name.length);
    payload.writeBytes(name);
    payload.writeBytes(data);
    out.write(0);
    Leb128.write(out, payload.size());
    out.writeBytes(payload.toByteArray());
    int from = content.isEmpty() ? module.length : content.get(0).start();
    out.write(module, from, module.length - from);
    return out.toByteArray();
  }

  private static Check check(SignedHashes set, SignatureEntry entry, byte[] contentHash) {
    Optional<PublicKey> key = publicKey(entry.keyId());
    if (key.isEmpty()) {
      return new Check(
          Optional.empty(),
          false,
          "key id is not an Ed25519 public key (01 + 32 bytes); cannot verify");
    }
    Optional<Fingerprint> signer = Optional.of(Fingerprint.of(key.get()));
    if (entry.algorithm() != ALG_ED25519) {
      return new Check(
          signer, false, "signature algorithm " + entry.algorithm() + " is not Ed25519");
    }
    if (!verifies(key.get(), message(set.hashes()), entry.signature())) {
      return new Check(signer, false, "signature does not verify");
    }
    boolean covers = set.hashes().stream().anyMatch(h -> Arrays.equals(h, contentHash));
    return covers
        ? new Check(signer, true, "valid")
        : new Check(signer, false, "module content changed after signing");
  }

  private static Report invalid(String detail) {
    return new Report(true, List.of(new Check(Optional.empty(), false, detail)));
  }

  private static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | ProviderException invalid) {
      return false;
    }
  }

  private static byte[] message(List<byte[]> hashes) {
    var out = new ByteArrayOutputStream();
    out.writeBytes(DOMAIN);
    out.write(SPEC_VERSION);
    out.write(CONTENT_TYPE_MODULE);
    out.write(HASH_SHA256);
    hashes.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Rolling hashes at each delimiter, and at the end when the last section is not one. */
  private static List<byte[]> partHashes(byte[] module, List<Section> content) {
    MessageDigest digest = sha256();
    List<byte[]> hashes = new ArrayList<>();
    boolean lastWasDelimiter = false;
    for (Section s : content) {
      feed(digest, module, s);
      lastWasDelimiter = s.isCustom(DELIMITER);
      if (lastWasDelimiter) {
        hashes.add(clone(digest).digest());
      }
    }
    if (!lastWasDelimiter) {
      hashes.add(digest.digest());
    }
    return hashes;
  }

  private static byte[] contentHash(byte[] module, List<Section> content) {
    MessageDigest digest = sha256();
    content.forEach(s -> feed(digest, module, s));
    return digest.digest();
  }

  private static void feed(MessageDigest digest, byte[] module, Section s) {
    var head = new ByteArrayOutputStream(6);
    head.write(s.id());
    Leb128.write(head, s.end() - s.payloadStart());
    digest.update(head.toByteArray());
    digest.update(module, s.payloadStart(), s.end() - s.payloadStart());
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException impossible) {
      throw new IllegalStateException("SHA-256 digests are cloneable", impossible);
    }
  }

  private static MessageDigest sha256() {
    return Sha256.digest();
  }

  private static boolean sameHashes(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static byte[] keyId(PublicKey key) {
    byte[] id = new byte[1 + Ed25519.KEY_BYTES];
    id[0] = 0x01;
    System.arraycopy(Ed25519.rawPublicKey(key), 0, id, 1, Ed25519.KEY_BYTES);
    return id;
  }

  private static Optional<PublicKey> publicKey(byte[] keyId) {
    if (keyId.length != 33 || keyId[0] != 0x01) {
      return Optional.empty();
    }
    return Ed25519.publicKeyOfRaw(Arrays.copyOfRange(keyId, 1, keyId.length));
  }

  private static int signatureIndex(List<Section> sections) {
    for (int i = 0; i < sections.size(); i++) {
      if (sections.get(i).isCustom(SECTION)) {
        return i;
      }
    }
    return -1;
  }

  /** A section's place in the file; {@code name} is set for custom sections. */
  record Section(int id, int start, int payloadStart, int end, String name) {
    boolean isCustom(String wanted) {
      return id == 0 && wanted.equals(name);
    }

    /** Where a custom section's content starts, after its name. */
    int payloadNameEnd(byte[] module) {
      int[] at = {payloadStart};
      int length = (int) Leb128.u32(module, at, end);
      return at[0] + length;
    }
  }

  /** The module's sections, with bounds checked. */
  static List<Section> sections(byte[] module) {
    if (module.length < 8
        || module[0] != 0
        || module[1] != 'a'
        || module[2] != 's'
        || module[3] != 'm') {
      throw new WasmFormatException(
          ErrorCode.WASM_NOT_WASM, 0, "not a WebAssembly binary (no \\0asm header)");
    }
    List<Section> sections = new ArrayList<>();
    int pos = 8;
    while (pos < module.length) {
      int start = pos;
      int id = module[pos++] & 0xff;
      int[] at = {pos};
      long size;
      try {
        size = Leb128.u32(module, at, module.length);
      } catch (IllegalArgumentException bad) {
        throw WasmFormatException.truncated(pos, "a section size");
      }
      pos = at[0];
      if (size > module.length - pos) {
        throw WasmFormatException.truncated(
            start, "section " + id + " (" + size + " bytes declared)");
      }
      int end = pos + (int) size;
      String name = null;
      if (id == 0) {
        int[] n = {pos};
        try {
          long length = Leb128.u32(module, n, end);
          if (length > end - n[0]) {
            throw new IllegalArgumentException("name runs past its section");
          }
          name = new String(module, n[0], (int) length, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException bad) {
          throw WasmFormatException.malformed(start, "custom section name: " + bad.getMessage());
        }
      }
      sections.add(new Section(id, start, pos, end, name));
      pos = end;
    }
    return sections;
  }

  record SignatureEntry(byte[] keyId, int algorithm, byte[] signature) {}

  record SignedHashes(List<byte[]> hashes, List<SignatureEntry> signatures) {}

  /** The signature section's payload, as wasmsign2 serializes it (every count and slice LEB128). */
  static final class SignatureData {
    private SignatureData() {}

    static List<SignedHashes> parse(byte[] data) {
      int[] at = {0};
      int end = data.length;
      if (Leb128.u32(data, at, end) != SPEC_VERSION) {
        throw new IllegalArgumentException("unsupported specification version");
      }
      if (Leb128.u32(data, at, end) != CONTENT_TYPE_MODULE) {
        throw new IllegalArgumentException("unsupported content type");
      }
      if (Leb128.u32(data, at, end) != HASH_SHA256) {
        throw new IllegalArgumentException("unsupported hash function");
      }
      long setCount = Leb128.u32(data, at, end);
      if (setCount > MAX_HASHES) {
        throw new IllegalArgumentException(setCount + " hash sets, more than " + MAX_HASHES);
      }
      List<SignedHashes> sets = new ArrayList<>();
      for (int i = 0; i < setCount; i++) {
        byte[] set = slice(data, at, end);
        int[] p = {0};
        long hashCount = Leb128.u32(set, p, set.length);
        if (hashCount > MAX_HASHES) {
          throw new IllegalArgumentException(hashCount + " hashes, more than " + MAX_HASHES);
        }
        List<byte[]> hashes = new ArrayList<>();
        for (int h = 0; h < hashCount; h++) {
          if (set.length - p[0] < 32) {
            throw new IllegalArgumentException("hash runs past the end");
          }
          hashes.add(Arrays.copyOfRange(set, p[0], p[0] + 32));
          p[0] += 32;
        }
        long signatureCount = Leb128.u32(set, p, set.length);
        if (signatureCount > MAX_SIGNATURES) {
          throw new IllegalArgumentException(
              signatureCount + " signatures, more than " + MAX_SIGNATURES);
        }
        List<SignatureEntry> signatures = new ArrayList<>();
        for (int s = 0; s < signatureCount; s++) {
          byte[] entry = slice(set, p, set.length);
          int[] q = {0};
          byte[] keyId = slice(entry, q, entry.length);
          if (q[0] >= entry.length) {
            throw new IllegalArgumentException("signature entry ends before its algorithm");
          }
          int algorithm = entry[q[0]++] & 0xff;
          byte[] signature = slice(entry, q, entry.length);
          if (q[0] != entry.length) {
            throw new IllegalArgumentException((entry.length - q[0]) + " bytes after a signature");
          }
          signatures.add(new SignatureEntry(keyId, algorithm, signature));
        }
        // Exact framing: a count edited down must not leave a signer's bytes silently ignored.
        if (p[0] != set.length) {
          throw new IllegalArgumentException(
              (set.length - p[0]) + " bytes after the last signature of hash set " + i);
        }
        sets.add(new SignedHashes(hashes, signatures));
      }
      if (at[0] != end) {
        throw new IllegalArgumentException((end - at[0]) + " bytes after the last hash set");
      }
      return sets;
    }

    static byte[] serialize(List<SignedHashes> sets) {
      var out = new ByteArrayOutputStream();
      Leb128.write(out, SPEC_VERSION);
      Leb128.write(out, CONTENT_TYPE_MODULE);
      Leb128.write(out, HASH_SHA256);
      Leb128.write(out, sets.size());
      for (SignedHashes set : sets) {
        var s = new ByteArrayOutputStream();
        Leb128.write(s, set.hashes().size());
        set.hashes().forEach(s::writeBytes);
        Leb128.write(s, set.signatures().size());
        for (SignatureEntry entry : set.signatures()) {
          var e = new ByteArrayOutputStream();
          Leb128.write(e, entry.keyId().length);
          e.writeBytes(entry.keyId());
          e.write(entry.algorithm());
          Leb128.write(e, entry.signature().length);
          e.writeBytes(entry.signature());
          Leb128.write(s, e.size());
          s.writeBytes(e.toByteArray());
        }
        Leb128.write(out, s.size());
        out.writeBytes(s.toByteArray());
      }
      return out.toByteArray();
    }

    private static byte[] slice(byte[] data, int[] at, int end) {
      long length = Leb128.u32(data, at, end);
      if (length > end - at[0]) {
        throw new IllegalArgumentException("a slice of " + length + " bytes runs past the end");
      }
      byte[] out = Arrays.copyOfRange(data, at[0], at[0] + (int) length);
      at[0] += (int) length;
      return out;
    }
  }
}
