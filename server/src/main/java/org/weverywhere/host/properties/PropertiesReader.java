package org.weverywhere.host.properties;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Fills a {@link ConfigProperties} class from a MicroProfile Config by the specification's rules
 * (each field is {@code prefix.name}, the name its {@link ConfigProperty} gives or the field's own;
 * an {@code Optional} field may be absent), through the same sources and converters as the
 * container's injection.
 *
 * <p>Why it exists: the container fills a mapping once, when it deploys the application (SmallRye
 * Config keeps one instance per class and prefix; MicroProfile Config promises no fresh read per
 * injection), so neither a new injection nor an {@code Instance<>} lookup sees a reload. A bean
 * that applies a section live reads it again here, once per reload, never per request.
 */
public final class PropertiesReader {
  private static final Map<Class<?>, Class<?>> BOXED =
      Map.of(
          int.class, Integer.class,
          long.class, Long.class,
          boolean.class, Boolean.class,
          double.class, Double.class);

  private PropertiesReader() {}

  public static <T> T read(Config config, Class<T> type) {
    ConfigProperties mapping = type.getAnnotation(ConfigProperties.class);
    if (mapping == null) {
      throw new IllegalArgumentException(type.getName() + " is not a @ConfigProperties class");
    }
    try {
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      T section = constructor.newInstance();
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
          continue;
        }
        field.setAccessible(true);
        field.set(section, value(config, mapping.prefix() + "." + name(field), field));
      }
      return section;
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new IllegalStateException(type.getName() + " cannot be filled: " + e, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(type.getName() + " cannot be filled", e.getCause());
    }
  }

  private static String name(Field field) {
    ConfigProperty property = field.getAnnotation(ConfigProperty.class);
    return property == null || property.name().isEmpty() ? field.getName() : property.name();
  }

  private static Object value(Config config, String key, Field field) {
    if (field.getType() == Optional.class) {
      var element =
          (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
      return config.getOptionalValue(key, element);
    }
    return config.getValue(key, BOXED.getOrDefault(field.getType(), field.getType()));
  }
}
