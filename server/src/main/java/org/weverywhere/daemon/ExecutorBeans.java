package org.weverywhere.daemon;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.QuotaLedger;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.exec.ReservingQuotaLedger;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.exec.chicory.ChicoryEngine;
import org.weverywhere.exec.wasmtime.WasmtimeEngine;

/**
 * Produces the engine chosen by {@code executor.engine} and the quota ledger, from the settings
 * records (which the configuration module produces).
 */
@ApplicationScoped
public class ExecutorBeans {
  @Produces
  @ApplicationScoped
  public WasmEngine engine(ExecutorParameters settings) {
    return switch (settings.engine()) {
      case WASMTIME -> new WasmtimeEngine(settings.moduleCacheSize());
      case CHICORY -> new ChicoryEngine(settings.moduleCacheSize());
    };
  }

  public void close(@Disposes WasmEngine engine) {
    engine.close();
  }

  @Produces
  @ApplicationScoped
  public QuotaLedger ledger(QuotaSettings quotas, ExecutorParameters settings) {
    return new ReservingQuotaLedger(quotas, settings.queueMax());
  }
}
