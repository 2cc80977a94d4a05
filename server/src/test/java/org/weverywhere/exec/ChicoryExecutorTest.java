package org.weverywhere.exec;

import org.weverywhere.config.Engine;

class ChicoryExecutorTest extends ExecutorContractTest {
  @Override
  Engine engine() {
    return Engine.CHICORY;
  }
}
