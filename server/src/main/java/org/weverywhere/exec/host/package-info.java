/**
 * The functions guests import, written once for both engines: WASI preview 1 (without any host
 * file, socket or environment) and the {@code weverywhere_host} host facts.
 */
package org.weverywhere.exec.host;
