package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSampleTest {
  private static final String STATUS =
      "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nVmRSS:\t  123456 kB\nThreads:\t42\n";

  @Test
  void readsThisProcess() {
    ProcessSample self = ProcessSample.of(ProcessHandle.current().pid());
    assertTrue(self.rssBytes() > 10 << 20, "rss " + self.rssBytes());
    assertTrue(self.threads() >= 2, "threads " + self.threads());
    assertTrue(self.openFiles() >= 3, "fds " + self.openFiles());
  }

  @Test
  void readsStatusFields() {
    assertEquals(123456, ProcessSample.kibibytes(STATUS, "VmRSS"));
    assertEquals(42, ProcessSample.number(STATUS, "Threads"));
  }

  @Test
  void malformedStatusSaysWhichField() {
    var missing =
        assertThrows(
            IllegalArgumentException.class, () -> ProcessSample.kibibytes("Name:\tx\n", "VmRSS"));
    assertEquals("/proc status has no VmRSS line", missing.getMessage());
    var unit =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessSample.kibibytes("VmRSS:\t12 MB\n", "VmRSS"));
    assertTrue(unit.getMessage().contains("not in kB"), unit.getMessage());
    var text =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessSample.number("Threads:\tmany\n", "Threads"));
    assertTrue(text.getMessage().contains("not a count: 'many'"), text.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> ProcessSample.number("Threads:\t-3\n", "Threads"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ProcessSample.number("Threads:\t99999999999999999999999\n", "Threads"));
    // a key that is only a prefix of the line's key is not taken
    assertThrows(
        IllegalArgumentException.class, () -> ProcessSample.number("ThreadsX:\t3\n", "Threads"));
  }

  @Test
  void cpuTimesAreCountedAfterTheCommandName() {
    // a command name with a space and a ')' of its own, then state, ppid ... utime=250 stime=50
    String stat = "4242 (java) x) S 1 4242 4242 0 -1 4194560 9000 0 12 0 250 50 0 0 20 0 80 0\n";
    assertEquals(300, ProcessSample.cpuTicks(stat));
    assertTrue(ProcessSample.of(ProcessHandle.current().pid()).cpuSeconds() > 0);
  }

  @Test
  void malformedStatSaysWhatIsMissing() {
    var noName =
        assertThrows(IllegalArgumentException.class, () -> ProcessSample.cpuTicks("4242 java S"));
    assertTrue(noName.getMessage().contains("no ')'"), noName.getMessage());
    var shortLine =
        assertThrows(
            IllegalArgumentException.class, () -> ProcessSample.cpuTicks("4242 (java) S 1 2 3"));
    assertTrue(shortLine.getMessage().contains("not the 15 needed"), shortLine.getMessage());
    var text =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessSample.cpuTicks("1 (j) S 1 1 1 0 -1 0 0 0 0 0 lots 5 0 0"));
    assertTrue(text.getMessage().contains("utime"), text.getMessage());
  }

  @Test
  void aProcessThatIsGoneIsAClearError() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    var gone = assertThrows(IllegalStateException.class, () -> ProcessSample.of(p.pid()));
    assertTrue(gone.getMessage().startsWith("process " + p.pid() + " is gone"), gone.getMessage());
  }

  @Test
  void loadAverage() {
    assertEquals(1.5, ProcessSample.loadAverage("1.50 2.00 3.00 1/200 12345\n"));
    assertTrue(ProcessSample.loadAverage() >= 0);
    for (String bad : new String[] {"", "  ", "x 1 2", "-1 0 0", "NaN 1 1", "Infinity"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> ProcessSample.loadAverage(bad));
      assertTrue(e.getMessage().startsWith("/proc/loadavg does not start with a load"), bad);
    }
  }

  @Test
  void treeBytesCountsFilesAndIsZeroForNoDirectory(@TempDir Path dir) throws Exception {
    assertEquals(0, ProcessSample.treeBytes(dir.resolve("absent")));
    Files.write(dir.resolve("a"), new byte[1000]);
    Files.createDirectories(dir.resolve("sub"));
    Files.write(dir.resolve("sub/b"), new byte[24]);
    assertEquals(1024, ProcessSample.treeBytes(dir));
  }

  @Test
  void threadsAndFilesOfThisProcessByNameAndKind() {
    long self = ProcessHandle.current().pid();
    var threads = ProcessSample.threadNames(self);
    assertTrue(
        threads.values().stream().mapToInt(Integer::intValue).sum() >= 2, threads.toString());
    var files = ProcessSample.fileKinds(self);
    assertTrue(!files.isEmpty(), files.toString());
    assertEquals("Default Executor-thread-#", ProcessSample.folded("Default Executor-thread-17"));
    assertEquals(
        java.util.List.of("a 1 → 0", "b 1 → 3", "c 0 → 2"),
        ProcessSample.changes(
            java.util.Map.of("a", 1, "b", 1, "d", 4), java.util.Map.of("b", 3, "c", 2, "d", 4)));
    var gone =
        assertThrows(
            java.io.UncheckedIOException.class, () -> ProcessSample.threadNames(Long.MAX_VALUE));
    assertTrue(gone.getMessage().startsWith("cannot list /proc/"), gone.getMessage());
  }
}
