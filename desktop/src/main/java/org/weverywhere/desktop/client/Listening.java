package org.weverywhere.desktop.client;

/** A running passive listener; closing it stops hearing announcements (and never throws). */
public interface Listening extends AutoCloseable {
  @Override
  void close();
}
