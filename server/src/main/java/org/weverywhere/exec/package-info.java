/**
 * The quota-enforced executor: {@link org.weverywhere.exec.Executor} runs an {@link
 * org.weverywhere.exec.ExecutionRequest} and answers an {@link org.weverywhere.exec.Outcome},
 * within the quotas of a {@link org.weverywhere.exec.QuotaLedger}, on the engine chosen by {@link
 * org.weverywhere.exec.ExecutorSettings}. See docs/ENGINES.md.
 */
package org.weverywhere.exec;
