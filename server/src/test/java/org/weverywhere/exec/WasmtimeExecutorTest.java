package org.weverywhere.exec;

class WasmtimeExecutorTest extends ExecutorContractTest {
  @Override
  EngineKind engine() {
    return EngineKind.WASMTIME;
  }
}
