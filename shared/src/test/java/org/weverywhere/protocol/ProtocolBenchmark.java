package org.weverywhere.protocol;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.weverywhere.protocol.Message.Call;
import org.weverywhere.protocol.Message.Execute;
import org.weverywhere.protocol.Message.LibraryTarget;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.trust.Ed25519;

/**
 * Throughput of sign+encode and decode+verify for a typical small request, and the replay cache's
 * memory at one million ids. A program, not a test: run it with {@code ./mvnw -B -o -pl shared
 * -Pbench verify} (pinned to one core by the profile) and copy the figures to docs/PERFORMANCE.md.
 */
public final class ProtocolBenchmark {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private ProtocolBenchmark() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    java.security.KeyPair clientKeys = Ed25519.generate();
    MessageSigner client = new MessageSigner(clientKeys);
    Message request =
        new Execute(
            new LibraryTarget("math"),
            new Call("add", List.of(WasmValue.i32(2), WasmValue.i32(40))));
    Header sample = Header.fresh(Audience.ANY, NOW);
    System.out.printf(
        "java %s on %s, %d available processor(s)%n",
        Runtime.version(),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "typical request: execute math.add(2, 40), audience any: %d bytes on the wire%n",
        client.sign(sample, request).length);

    // warm-up: let the JIT compile the paths before anything is timed
    Verifier warm = Verifier.of(Clock.fixed(NOW, ZoneOffset.UTC), Optional.empty(), 1_000_000);
    for (int i = 0; i < 20_000; i++) {
      warm.verify(client.sign(Header.fresh(Audience.ANY, NOW), request), WireLimits.UDP);
    }

    byte[][] wire = new byte[count][];
    long cpu = CPU.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      wire[i] = client.sign(Header.fresh(Audience.ANY, NOW), request);
    }
    double signSeconds = (System.nanoTime() - start) / 1e9;
    double signCpu = (CPU.getCurrentThreadCpuTime() - cpu) / 1e9;

    Verifier verifier = Verifier.of(Clock.fixed(NOW, ZoneOffset.UTC), Optional.empty(), 1_000_000);
    cpu = CPU.getCurrentThreadCpuTime();
    start = System.nanoTime();
    for (byte[] message : wire) {
      verifier.verify(message, WireLimits.UDP);
    }
    double verifySeconds = (System.nanoTime() - start) / 1e9;
    double verifyCpu = (CPU.getCurrentThreadCpuTime() - cpu) / 1e9;

    // the same with a different key on every message (8,192 keys, more than the decoded-key cache
    // holds)
    MessageSigner[] many = new MessageSigner[8192];
    for (int i = 0; i < many.length; i++) {
      many[i] = new MessageSigner(Ed25519.generate());
    }
    int coldCount = count / 2;
    byte[][] cold = new byte[coldCount][];
    for (int i = 0; i < coldCount; i++) {
      cold[i] = many[i % many.length].sign(Header.fresh(Audience.ANY, NOW), request);
    }
    Verifier coldVerifier =
        Verifier.of(Clock.fixed(NOW, ZoneOffset.UTC), Optional.empty(), 1_000_000);
    cpu = CPU.getCurrentThreadCpuTime();
    start = System.nanoTime();
    for (byte[] message : cold) {
      coldVerifier.verify(message, WireLimits.UDP);
    }
    double coldSeconds = (System.nanoTime() - start) / 1e9;
    double coldCpu = (CPU.getCurrentThreadCpuTime() - cpu) / 1e9;

    // reference in the same run: the Ed25519 check alone, on the same key and bytes of the same
    // size
    var reference = SignerKeys.of(rawKey(client.publicKey()));
    byte[] signed = new byte[wire[0].length];
    byte[] signature = EdDsa.sign(clientKeys.getPrivate(), rawKey(client.publicKey()), signed);
    cpu = CPU.getCurrentThreadCpuTime();
    start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (!EdDsa.verify(reference.point(), signed, signature)) {
        throw new AssertionError("reference signature did not verify");
      }
    }
    double rawSeconds = (System.nanoTime() - start) / 1e9;
    double rawCpu = (CPU.getCurrentThreadCpuTime() - cpu) / 1e9;

    System.out.println("                per wall-clock s  per CPU s (one thread)");
    line("sign+encode", count, signSeconds, signCpu, "");
    line(
        "decode+verify",
        count,
        verifySeconds,
        verifyCpu,
        "full check incl. replay cache, one signer");
    line("decode+verify", coldCount, coldSeconds, coldCpu, "every message from another key");
    line(
        "Ed25519 only",
        count,
        rawSeconds,
        rawCpu,
        "reference: BouncyCastle verify of same-size bytes, cached key");
    System.out.printf(
        "decode+verify reaches %.0f%% of the bare Ed25519 check%n", 100 * rawCpu / verifyCpu);

    replayCacheMemory(1_000_000);
  }

  /** The 32 raw bytes of an Ed25519 public key. */
  private static byte[] rawKey(java.security.PublicKey key) {
    return org.weverywhere.trust.Ed25519.rawPublicKey(key);
  }

  private static final java.lang.management.ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private static void line(String what, int n, double wall, double cpu, String note) {
    System.out.printf(
        "%-15s %,12.0f/s  %,12.0f/s  (%,d messages%s)%n",
        what, n / wall, n / cpu, n, note.isEmpty() ? "" : "; " + note);
  }

  private static void replayCacheMemory(int ids) {
    var memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    ReplayCache cache = new ReplayCache(Verifier.DEFAULT_WINDOW, ids);
    System.gc();
    long after = memory.getHeapMemoryUsage().getUsed();
    // one million ids spread evenly over the ±30 s window, as a steady stream would leave them
    long start = System.nanoTime();
    long spanMillis = 2 * Verifier.DEFAULT_WINDOW.toMillis();
    for (int i = 0; i < ids; i++) {
      cache.record(
          MessageId.random(), NOW.minus(Verifier.DEFAULT_WINDOW).plusMillis(i * spanMillis / ids));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.gc();
    long filled = memory.getHeapMemoryUsage().getUsed();
    System.out.printf(
        "replay cache    capacity %,d ids: tables %,d bytes (%.1f MiB, %.1f bytes/id);"
            + " heap +%.1f MiB after construction, +%.1f MiB after %,d ids recorded (%.0f ns per record)%n",
        cache.capacity(),
        cache.tableBytes(),
        cache.tableBytes() / 1048576.0,
        cache.tableBytes() / (double) ids,
        (after - before) / 1048576.0,
        (filled - before) / 1048576.0,
        ids,
        seconds * 1e9 / ids);
    if (cache.capacity() < ids) {
      throw new IllegalStateException("capacity below " + ids);
    }
    System.out.println("window " + Duration.ofMillis(spanMillis / 2) + " each way");
  }
}
