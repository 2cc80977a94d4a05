/**
 * The WEverywhere explorer, a JavaFX desktop program that shows the network's daemons, inspects
 * modules and submits them for execution. One package per screen ({@code peers}, {@code modules},
 * {@code submit}, {@code identity}), each a final model with read-only properties and command
 * methods plus a view that only binds; {@code client} is the one seam to the network, {@code
 * events} the typed bus the screens talk through, {@code shell} the window around them.
 */
package org.weverywhere.desktop;
