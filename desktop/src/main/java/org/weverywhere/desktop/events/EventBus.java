package org.weverywhere.desktop.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * How screens tell each other things without knowing each other: a model publishes an {@link
 * ExplorerEvent}, every subscriber to that event's type gets it, on the publisher's thread (models
 * publish on the FX thread).
 */
public final class EventBus {
  private final Map<Class<?>, List<Consumer<?>>> subscribers = new ConcurrentHashMap<>();

  /** Calls {@code subscriber} with every later event of {@code type}. */
  public <E extends ExplorerEvent> void subscribe(Class<E> type, Consumer<? super E> subscriber) {
    subscribers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(subscriber);
  }

  /** Hands {@code event} to the subscribers of its exact type. */
  public <E extends ExplorerEvent> void publish(E event) {
    for (Consumer<?> subscriber : subscribers.getOrDefault(event.getClass(), List.of())) {
      @SuppressWarnings("unchecked") // subscribe() keys each list by the type its consumers accept
      Consumer<E> typed = (Consumer<E>) subscriber;
      typed.accept(event);
    }
  }
}
