package org.weverywhere.exec;

class ChicoryExecutorTest extends ExecutorContractTest {
  @Override
  EngineKind engine() {
    return EngineKind.CHICORY;
  }
}
