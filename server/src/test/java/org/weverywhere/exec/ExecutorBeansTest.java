package org.weverywhere.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;

/** The executor wires itself under plain Weld SE, from nothing but the two settings records. */
@EnableWeld
class ExecutorBeansTest {
  /** Stands in for the configuration module, which will produce these records from the config. */
  @ApplicationScoped
  static class Settings {
    @Produces
    ExecutorParameters executor() {
      return TestSetup.settings(Engine.CHICORY, 4);
    }

    @Produces
    QuotaSettings quotas() {
      return TestSetup.quotas();
    }
  }

  @WeldSetup
  WeldInitiator weld =
      WeldInitiator.from(Executor.class, ExecutorBeans.class, Settings.class).build();

  @Inject Executor executor;

  @Test
  void anInjectedExecutorRunsAProgramOnTheConfiguredEngine() {
    assertEquals(Engine.CHICORY, executor.engine());
    ExecutionOutcome outcome =
        executor.execute(
            new ExecutionRequest.CommandRun(
                Examples.bytes("fib"),
                List.of("fib", "20"),
                Map.of(),
                new byte[0],
                new AdmittedGroup("anonymous", false)));
    assertEquals(
        new ExecutionOutcome.Exit(0),
        assertInstanceOf(ExecutionOutcome.Completed.class, outcome).result());
    assertEquals("fib(20) = 6765\n", outcome.output().stdoutText());
  }
}
