/**
 * The daemon's lifecycle on Open Liberty (or Weld SE in tests): its configuration, state directory,
 * host identity and readiness. Executor, discovery, store, control and events live in their own
 * packages and are started from here.
 */
package org.weverywhere.daemon;
