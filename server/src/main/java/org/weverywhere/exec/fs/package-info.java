/**
 * The per-execution file system: the request's directory trees held in memory, counted against the
 * disk quota, reachable by the guest only through its preopens, gone when the execution ends.
 */
package org.weverywhere.exec.fs;
