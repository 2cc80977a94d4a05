/**
 * What every part of the daemon shares about this host: its identity (host key, node id), the
 * configuration in force and its changes, the Signature Groups it knows, the intake that admits or
 * drains work, and the supervision of its loops. Depends on nothing of the daemon's own parts, so
 * that control, services, traffic and the endpoints can all use it without a cycle through the
 * composition root ({@code org.weverywhere.daemon}).
 */
package org.weverywhere.host;
