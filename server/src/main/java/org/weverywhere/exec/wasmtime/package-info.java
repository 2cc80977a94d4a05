/** The Wasmtime engine (wasmtime-java, JNI): one lane per concurrent execution. */
package org.weverywhere.exec.wasmtime;
