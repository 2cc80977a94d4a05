/**
 * Directory trees that travel with an execution request as WASI preopens, as plain values: what a
 * guest may see, checked for bad names, escaping links and size before anything runs.
 */
package org.weverywhere.files;
