package org.weverywhere.exec;

import java.util.List;
import java.util.Map;
import org.weverywhere.files.Preopen;

/** One thing to run: a WASI program from start to exit, or one exported function. */
public sealed interface ExecutionRequest {
  /** The module's bytes, exactly as received (its SHA-256 is its identity). */
  byte[] module();

  /** Who asks: decides the quotas and whether host facts are linked. */
  AdmittedGroup requester();

  /**
   * Runs {@code _start} with WASI arguments, environment, stdin and directory trees; nothing else
   * of the host.
   *
   * @param args {@code argv}, the program name first
   * @param dirs trees preopened as descriptors 3, 4, ... in this order, held in memory for this
   *     execution only
   */
  record CommandRun(
      byte[] module,
      List<String> args,
      Map<String, String> env,
      byte[] stdin,
      AdmittedGroup requester,
      List<Preopen> dirs)
      implements ExecutionRequest {
    public CommandRun {
      args = List.copyOf(args);
      env = Map.copyOf(env);
      stdin = stdin.clone();
      dirs = List.copyOf(dirs);
    }

    /** Without directory trees: the guest finds no preopened directory. */
    public CommandRun(
        byte[] module,
        List<String> args,
        Map<String, String> env,
        byte[] stdin,
        AdmittedGroup requester) {
      this(module, args, env, stdin, requester, List.of());
    }
  }

  /**
   * Calls one exported function with typed arguments (after {@code _initialize}, if exported):
   * numbers, and byte strings where its metadata declares them.
   */
  record FunctionCall(
      byte[] module, String function, List<? extends CallValue> args, AdmittedGroup requester)
      implements ExecutionRequest {
    public FunctionCall {
      args = List.copyOf(args);
    }
  }
}
