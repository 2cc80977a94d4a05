package org.weverywhere.protocol;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.util.List;
import java.util.Random;

/**
 * Validly signed envelopes around payloads a fuzzer chooses, so hostile bytes get past the
 * signature check and reach the decoder and the handlers: random bytes, random CBOR trees, and real
 * messages with bytes changed. A test's seed makes a run repeatable.
 */
public final class SignedFuzz {
  private final KeyPair keys;
  private final Random random;

  public SignedFuzz(KeyPair keys, long seed) {
    this.keys = keys;
    this.random = new Random(seed);
  }

  /**
   * A COSE_Sign1 with a valid signature by this fuzzer's key over {@code payload}, whatever it
   * holds.
   */
  public byte[] sign(byte[] payload) {
    return Sign1.sign(payload, keys.getPrivate(), keys.getPublic());
  }

  /**
   * The next hostile envelope: a third random bytes, a third random CBOR, a third mutated {@code
   * seeds}.
   */
  public byte[] next(Header header, List<Message> seeds, int maxPayload) {
    return sign(
        switch (random.nextInt(3)) {
          case 0 -> {
            byte[] bytes = new byte[random.nextInt(maxPayload)];
            random.nextBytes(bytes);
            yield bytes;
          }
          case 1 -> randomCbor(maxPayload);
          default -> mutate(MessageCodec.encode(header, seeds.get(random.nextInt(seeds.size()))));
        });
  }

  private byte[] mutate(byte[] payload) {
    byte[] bytes = payload.clone();
    int changes = 1 + random.nextInt(4);
    for (int i = 0; i < changes; i++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(3)) {
        case 0 -> bytes[at] = (byte) random.nextInt(256);
        case 1 -> bytes[at] = 0; // zeros: the all-zero message id of issue 13
        default -> bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
      }
    }
    return random.nextInt(8) == 0
        ? java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length))
        : bytes;
  }

  private byte[] randomCbor(int maxPayload) {
    var out = new ByteArrayOutputStream();
    try (CBORGenerator g = Cbor.FACTORY.createGenerator(out)) {
      value(g, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.toByteArray();
    return bytes.length > maxPayload ? java.util.Arrays.copyOf(bytes, maxPayload) : bytes;
  }

  private void value(CBORGenerator g, int depth) throws IOException {
    int kind = random.nextInt(depth > 4 ? 6 : 9);
    switch (kind) {
      case 0 -> g.writeNumber(random.nextInt(40) - 8);
      case 1 -> g.writeNumber(random.nextLong());
      case 2 -> g.writeString(Long.toString(random.nextLong(), 36));
      case 3 -> g.writeBinary(random.nextBoolean() ? new byte[16] : bytes(random.nextInt(40)));
      case 4 -> g.writeBoolean(random.nextBoolean());
      case 5 -> g.writeNull();
      case 6, 7 -> {
        int n = random.nextInt(8);
        g.writeStartObject(null, n);
        for (int i = 0; i < n; i++) {
          g.writeFieldId(random.nextInt(12) - 2);
          value(g, depth + 1);
        }
        g.writeEndObject();
      }
      default -> {
        int n = random.nextInt(8);
        g.writeStartArray(null, n);
        for (int i = 0; i < n; i++) {
          value(g, depth + 1);
        }
        g.writeEndArray();
      }
    }
  }

  private byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }
}
