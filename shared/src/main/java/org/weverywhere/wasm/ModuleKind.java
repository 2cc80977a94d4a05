package org.weverywhere.wasm;

/** How a module is meant to be run. */
public enum ModuleKind {
  /** Exports {@code _start}: runs once from start to exit, like a program. */
  COMMAND("command"),
  /** Exports {@code _initialize}: set up once, then its functions are called, like a library. */
  REACTOR("reactor"),
  /** Neither: a plain module whose exports are called directly. */
  LIBRARY("library"),
  /** A component-model binary; its contents are not read by this version. */
  COMPONENT("component");

  private final String text;

  ModuleKind(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
