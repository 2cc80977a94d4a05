package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.weverywhere.trust.Ed25519;

/**
 * Hostile datagrams: random bytes and mutations of real messages end in a {@link ProtocolException}
 * and nothing else, never verify, and never cost memory beyond a constant plus a multiple of their
 * size (a length field claiming 4 GiB must not be believed).
 */
class DatagramFuzzTest {
  /** Parser buffers and an exception's stack trace: what refusing a malformed input may cost. */
  private static final long PARSE_ALLOWANCE = 32 * 1024;

  /**
   * What checking a signature costs on top (key decoding, the JDK's Ed25519 arithmetic), measured
   * on the valid seeds at start: it does not depend on the input, so it is a constant too.
   */
  private static long verifyAllowance;

  private static final List<byte[]> SEEDS = new ArrayList<>();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static Verifier verifier;

  @BeforeContainer
  static void seeds() {
    ProtocolVectors vectors = new ProtocolVectors();
    for (Map<String, Object> v : vectors.all().values()) {
      SEEDS.add(java.util.HexFormat.of().parseHex((String) v.get("hex")));
    }
    MessageSigner signer = new MessageSigner(Ed25519.generate());
    SEEDS.add(
        signer.sign(
            Header.fresh(Audience.ANY, ProtocolVectors.NOW),
            new Message.Description(
                Map.of("cores", 4L),
                List.of(new Message.Library("m", "1", new byte[32], 10, List.of("f"))),
                List.of(
                    new Message.Service(
                        "s",
                        "m",
                        java.util.Optional.empty(),
                        List.of(),
                        1,
                        0,
                        "failed",
                        0,
                        java.util.Optional.of("why"))))));
    // a receiver that would accept the valid seeds, so only the mutation can make them fail
    verifier =
        Verifier.of(Clock.fixed(ProtocolVectors.NOW, ZoneOffset.UTC), Optional.empty(), 1 << 20);
    // the JDK's cost of decoding a key depends on the key (an invalid point costs more): calibrate
    // with the seeds and with their kid replaced by arbitrary bytes
    List<byte[]> calibration = new ArrayList<>(SEEDS);
    java.util.Random random = new java.util.Random(5745);
    for (int i = 0; i < 64; i++) {
      byte[] other = SEEDS.get(1).clone();
      for (int k = 10; k < 42; k++) {
        other[k] = (byte) random.nextInt();
      }
      calibration.add(other);
    }
    for (int i = 0; i < 200; i++) {
      for (byte[] seed : calibration) {
        long cost = measure(seed, false).allocated();
        if (i >= 190) {
          verifyAllowance = Math.max(verifyAllowance, cost * 2);
        }
      }
    }
  }

  @Property(tries = 3000)
  void mutatedMessagesNeverVerifyAndFailOnlyWithTheProtocolsError(@ForAll("mutants") byte[] input) {
    checkCost(input);
  }

  @Property(tries = 2000)
  void randomBytesNeverVerify(@ForAll("noise") byte[] input) {
    checkCost(input);
  }

  private static void checkCost(byte[] input) {
    Cost cost = measure(input, true);
    long allowance =
        PARSE_ALLOWANCE + 16L * input.length + (cost.signatureChecked() ? verifyAllowance : 0);
    assertTrue(
        cost.allocated() <= allowance,
        "allocated "
            + cost.allocated()
            + " bytes for a "
            + input.length
            + "-byte datagram refused as "
            + cost.reason()
            + " (allowed "
            + allowance
            + ")");
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    var seed = Arbitraries.of(SEEDS);
    var edits =
        Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(6);
    var kinds = Arbitraries.integers().between(0, 4);
    return Combinators.combine(seed, edits, kinds)
        .as(DatagramFuzzTest::mutate)
        .filter(mutant -> SEEDS.stream().noneMatch(s -> Arrays.equals(s, mutant)));
  }

  @Provide
  Arbitrary<byte[]> noise() {
    var prefix =
        Arbitraries.of(
            new byte[0],
            new byte[] {(byte) 0xd2, (byte) 0x84},
            new byte[] {
              (byte) 0xd2, (byte) 0x84, 0x58, 0x26, (byte) 0xa2, 0x01, 0x27, 0x04, 0x58, 0x20
            });
    return Combinators.combine(prefix, Arbitraries.bytes().array(byte[].class).ofMaxSize(1300))
        .as(
            (p, n) -> {
              byte[] out = Arrays.copyOf(p, p.length + n.length);
              System.arraycopy(n, 0, out, p.length, n.length);
              return out;
            });
  }

  /** Flips bytes, writes maximal length heads, truncates, duplicates a slice, as fuzzers do. */
  private static byte[] mutate(byte[] seed, List<Integer> edits, int kind) {
    byte[] out = seed.clone();
    for (int edit : edits) {
      int at = Math.floorMod(edit, out.length);
      switch (kind) {
        case 0 -> out[at] = (byte) (edit >>> 8);
        case 1 -> out[at] = (byte) 0xff;
        case 2 -> out[at] = (byte) (0x5a + (edit >>> 8) % 2); // bstr with a 4- or 8-byte length
        case 3 -> out = Arrays.copyOf(out, Math.max(at, 1));
        default -> {
          int len = Math.min(16, out.length - at);
          byte[] longer = Arrays.copyOf(out, out.length + len);
          System.arraycopy(out, at, longer, at + len, out.length - at);
          out = longer;
        }
      }
    }
    return out;
  }

  record Cost(long allocated, ProtocolException.Reason reason) {
    /** Whether the input got as far as the signature check (or past it). */
    boolean signatureChecked() {
      return switch (reason) {
        case MALFORMED, TRUNCATED, LIMIT, OVERSIZED, UNKNOWN_ALGORITHM -> false;
        default -> true;
      };
    }
  }

  private static Cost measure(byte[] input, boolean mustFail) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    ProtocolException.Reason reason = null;
    try {
      verifier.verify(input, WireLimits.UDP);
      if (mustFail) {
        fail("a mutated or random datagram verified: " + java.util.HexFormat.of().formatHex(input));
      }
    } catch (ProtocolException expected) {
      reason = expected.reason(); // the only failure allowed
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    return new Cost(allocated, reason == null ? ProtocolException.Reason.BAD_SIGNATURE : reason);
  }
}
