package org.weverywhere.exec;

import java.util.List;
import java.util.Map;

/** One thing to run: a WASI program from start to exit, or one exported function. */
public sealed interface ExecutionRequest {
  /** The module's bytes, exactly as received (its SHA-256 is its identity). */
  byte[] module();

  /** Who asks: decides the quotas and whether host facts are linked. */
  Requester requester();

  /**
   * Runs {@code _start} with WASI arguments, environment and stdin; nothing else of the host.
   *
   * @param args {@code argv}, the program name first
   */
  record CommandRun(
      byte[] module, List<String> args, Map<String, String> env, byte[] stdin, Requester requester)
      implements ExecutionRequest {
    public CommandRun {
      args = List.copyOf(args);
      env = Map.copyOf(env);
      stdin = stdin.clone();
    }
  }

  /**
   * Calls one exported function with typed arguments (after {@code _initialize}, if exported):
   * numbers, and byte strings where its metadata declares them.
   */
  record FunctionCall(byte[] module, String function, List<? extends CallValue> args, Requester requester)
      implements ExecutionRequest {
    public FunctionCall {
      args = List.copyOf(args);
    }
  }
}
