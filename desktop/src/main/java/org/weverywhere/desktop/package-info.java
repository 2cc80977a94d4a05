/**
 * The WEverywhere explorer, a JavaFX desktop program that browses the network and submits modules.
 * Its screens arrive with the explorer issue; until then this module only proves the build wiring.
 */
package org.weverywhere.desktop;
