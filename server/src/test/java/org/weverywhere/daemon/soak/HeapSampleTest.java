package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapSampleTest {
  private static final String JSTAT =
      "    S0C         S1C         S0U         S1U          EC           EU           OC         "
          + "  OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT   \n"
          + "        0.0     4096.0        0.0     4096.0     61440.0      8192.0     65536.0     "
          + "  20480.0    50000.0    49000.0    6000.0    5500.0     12     0.100     0      0.000     4      0.010      0.110\n";

  @Test
  void readsUsedAndOldGeneration() {
    HeapSample h = HeapSample.parse(JSTAT);
    assertEquals((4096 + 8192 + 20480) * 1024L, h.usedBytes());
    assertEquals(20480 * 1024L, h.oldUsedBytes());
  }

  @Test
  void readsThisJvm() {
    var self = HeapSample.of(ProcessHandle.current().pid());
    // jstat reads the JVM's performance counters: present unless -XX:-UsePerfData
    self.ifPresent(h -> assertTrue(h.usedBytes() > 0, "used " + h.usedBytes()));
  }

  @Test
  void malformedOutputIsAClearError() {
    for (String bad :
        new String[] {
          "",
          "S0U S1U EU OU",
          "S0U S1U EU\n1 2 3 4",
          "S0U S1U EU OU\n1 2 x 4",
          "S0U S1U EU OU\n1 2 -3 4",
          "S0U S1U EU XX\n1 2 3 4",
          "12345 not found"
        }) {
      var e = assertThrows(IllegalArgumentException.class, () -> HeapSample.parse(bad));
      assertTrue(e.getMessage().startsWith("jstat -gc"), bad + ": " + e.getMessage());
    }
  }

  @Test
  void aProcessThatIsNotAJvmGivesNoSample() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertTrue(HeapSample.of(p.pid()).isEmpty());
  }
}
