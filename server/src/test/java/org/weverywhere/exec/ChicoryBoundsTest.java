package org.weverywhere.exec;

import org.weverywhere.config.Engine;

class ChicoryBoundsTest extends BoundsContractTest {
  @Override
  Engine engine() {
    return Engine.CHICORY;
  }
}
