package org.weverywhere.desktop.client;

import java.util.List;

/** A running passive listener; closing it stops hearing announcements (and never throws). */
public interface Listening extends AutoCloseable {
  @Override
  void close();

  /** The groups it could not listen to, each with why; empty when it hears them all. */
  default List<String> unheard() {
    return List.of();
  }
}
