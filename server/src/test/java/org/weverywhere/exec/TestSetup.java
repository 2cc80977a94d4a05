package org.weverywhere.exec;

import java.time.Duration;
import java.util.Map;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;

/** Settings and quotas the executor tests run under; small enough that limits are reached fast. */
final class TestSetup {
  static final long MIB = 1024 * 1024;
  static final long OUTPUT_MAX = 64 * 1024;
  static final Duration CPU_BUDGET = Duration.ofMillis(500);

  private TestSetup() {}

  static ExecutorParameters settings(Engine engine, int queueMax) {
    return new ExecutorParameters(engine, 16, OUTPUT_MAX, Duration.ofSeconds(10), queueMax);
  }

  static QuotaSettings quotas() {
    return new QuotaSettings(
        new HostLimits(4, 512 * MIB),
        Map.of(
            "anonymous", new GroupLimits(2, 128 * MIB, 64 * MIB, CPU_BUDGET),
            "observers", new GroupLimits(1, 64 * MIB, 64 * MIB, CPU_BUDGET),
            // memhog runs only here: 16 MiB is all it can ever get
            "small-memory", new GroupLimits(2, 16 * MIB, 16 * MIB, CPU_BUDGET),
            "one-slot", new GroupLimits(1, 64 * MIB, 16 * MIB, Duration.ofSeconds(3))));
  }

  static Executor executor(Engine engine, int queueMax, QuotaLedger ledger) {
    ExecutorParameters settings = settings(engine, queueMax);
    return new Executor(settings, ledger, new ExecutorBeans().engine(settings));
  }
}
