package org.weverywhere.daemon.liberty;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the {@link LibertyDaemon} a {@link TestDaemon} class asks for and injects it. The daemon
 * lives in JUnit's store of the class (or of the whole run, {@link TestDaemon#perJvm}), which
 * closes it when that scope ends, so nothing here sets a system property or keeps a static.
 */
public final class TestDaemonExtension
    implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestDaemonExtension.class);

  static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    LibertyDaemon daemon = daemon(context);
    for (Field field : fields(context.getRequiredTestClass())) {
      if (Modifier.isStatic(field.getModifiers())) {
        field.setAccessible(true);
        field.set(null, daemon);
      }
    }
  }

  @Override
  public void postProcessTestInstance(Object instance, ExtensionContext context)
      throws IllegalAccessException {
    LibertyDaemon daemon = daemon(context);
    for (Field field : fields(instance.getClass())) {
      if (!Modifier.isStatic(field.getModifiers())) {
        field.setAccessible(true);
        field.set(instance, daemon);
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LibertyDaemon.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return daemon(context);
  }

  private static List<Field> fields(Class<?> type) {
    return org.junit.platform.commons.support.ReflectionSupport.findFields(
        type,
        field -> field.getType() == LibertyDaemon.class && !Modifier.isFinal(field.getModifiers()),
        org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN);
  }

  /** The class's daemon, started on first use (an instance post-processor may come first). */
  private static LibertyDaemon daemon(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    TestDaemon wanted =
        AnnotationSupport.findAnnotation(testClass, TestDaemon.class)
            .orElseThrow(
                () ->
                    new ExtensionConfigurationException(
                        testClass.getName() + " uses the daemon extension without @TestDaemon"));
    boolean shared = wanted.perJvm() && wanted.configure().isEmpty();
    ExtensionContext scope = shared ? context.getRoot() : classContext(context, testClass);
    // per JVM the key is the configuration itself, so equal annotations share one daemon
    Object key = shared ? wanted : testClass;
    return scope
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(key, unused -> start(wanted, testClass), LibertyDaemon.class);
  }

  private static ExtensionContext classContext(ExtensionContext context, Class<?> testClass) {
    ExtensionContext at = context;
    while (at.getTestClass().orElse(null) != testClass || at.getTestMethod().isPresent()) {
      at = at.getParent().orElseThrow();
    }
    return at;
  }

  private static LibertyDaemon start(TestDaemon wanted, Class<?> testClass) {
    var builder = LibertyDaemon.builder().name(wanted.name());
    if (!wanted.heap().isEmpty()) {
      builder.heap(wanted.heap());
    }
    for (String library : wanted.libraries()) {
      builder.library(EXAMPLES.resolve(library));
    }
    if (Arrays.stream(wanted.config()).noneMatch(l -> l.strip().startsWith("libraries.builtin"))) {
      builder.line("libraries.builtin = " + wanted.builtinLibraries());
    }
    builder.line(wanted.config());
    if (!wanted.configure().isEmpty()) {
      configure(testClass, wanted.configure(), builder);
    }
    return builder.start();
  }

  private static void configure(Class<?> testClass, String name, LibertyDaemon.Builder builder) {
    Method method;
    try {
      method = testClass.getDeclaredMethod(name, LibertyDaemon.Builder.class);
    } catch (NoSuchMethodException e) {
      throw new ExtensionConfigurationException(
          testClass.getName()
              + " has no method static void "
              + name
              + "(LibertyDaemon.Builder) that @TestDaemon(configure) names",
          e);
    }
    if (!Modifier.isStatic(method.getModifiers())) {
      throw new ExtensionConfigurationException(method + " must be static");
    }
    method.setAccessible(true);
    try {
      method.invoke(null, builder);
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException(method + " cannot be called", e);
    } catch (InvocationTargetException e) {
      throw new ExtensionConfigurationException(method + " failed: " + e.getCause(), e.getCause());
    }
  }
}
