package org.weverywhere.daemon.liberty;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class one running {@link LibertyDaemon}: the real daemon on Open Liberty, started
 * before the class's first test, closed after its last. It is injected into every non-final field
 * of type {@code LibertyDaemon} (static or not) and into parameters of that type (constructor,
 * lifecycle and test methods). What annotations cannot say (a group's key, a file), a static method
 * named by {@link #configure} adds to the builder.
 *
 * <pre>{@code
 * @TestDaemon(name = "cli-daemon", libraries = "math.wasi",
 *     config = "group.anonymous.privileges = execute, fetch")
 * class CliAgainstDaemonIT {
 *   static LibertyDaemon daemon;
 *   ...
 * }
 * }</pre>
 *
 * The daemon needs the server this build installs, so classes that use it are failsafe ITs.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TestDaemonExtension.class)
public @interface TestDaemon {
  /** {@code node.name}: what the CLI shows. */
  String name() default "test-daemon";

  /**
   * Example programs (paths under {@code weverywhere.examples.dir}, e.g. {@code math.wasi} or
   * {@code fixtures/trap.wasm}) published through {@code libraries.dir}.
   */
  String[] libraries() default {};

  /** Configuration lines, {@code key = value}, after the fixture's own. */
  String[] config() default {};

  /**
   * The built-in probe libraries ({@code libraries.builtin}): off unless a test asks, so a daemon
   * offers what its test names.
   */
  boolean builtinLibraries() default false;

  /**
   * The server JVM's heap ({@code -Xmx}); empty keeps the build's jvm.options (2g). The daemon
   * lowers its memory quotas to what the heap holds beside its own 512 MiB (docs/DAEMON.md), so a
   * daemon that runs modules needs more than that: with 512m, every execution is refused.
   */
  String heap() default "";

  /**
   * A static method of the test class, {@code static void NAME(LibertyDaemon.Builder daemon)},
   * called last, before the daemon starts.
   */
  String configure() default "";

  /**
   * Per JVM instead of per class: classes whose annotations are equal (and name no {@link
   * #configure} method) share one daemon, closed when the test run ends. Only for classes that
   * leave the daemon as they found it.
   */
  boolean perJvm() default false;
}
