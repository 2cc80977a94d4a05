package org.weverywhere.exec;

import org.weverywhere.config.Engine;

class WasmtimeExecutorTest extends ExecutorContractTest {
  @Override
  Engine engine() {
    return Engine.WASMTIME;
  }
}
