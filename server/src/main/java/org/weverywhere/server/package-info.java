/**
 * The WEverywhere daemon, hosted by Open Liberty: multicast discovery, the library store, the
 * quota-enforced executor, the control socket and the event journal. Its beans arrive with the
 * executor and daemon issues; until then this module only proves the build wiring.
 */
package org.weverywhere.server;
