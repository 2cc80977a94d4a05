/**
 * The quota-enforced executor: {@link org.weverywhere.exec.Executor} runs an {@link
 * org.weverywhere.exec.ExecutionRequest} and answers an {@link
 * org.weverywhere.exec.ExecutionOutcome}, within the quotas of a {@link
 * org.weverywhere.exec.QuotaLedger}, on the engine chosen by {@link
 * org.weverywhere.exec.ExecutorParameters}. See docs/ENGINES.md.
 */
package org.weverywhere.exec;
