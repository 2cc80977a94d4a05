package org.weverywhere.exec;

import org.weverywhere.config.Engine;

class WasmtimeBoundsTest extends BoundsContractTest {
  @Override
  Engine engine() {
    return Engine.WASMTIME;
  }
}
