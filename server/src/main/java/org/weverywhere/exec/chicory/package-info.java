/** The Chicory engine (pure Java, bytecode compiler). */
package org.weverywhere.exec.chicory;
