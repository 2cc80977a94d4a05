package org.weverywhere.exec.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's figures among the host facts, called as a guest would, on a guest memory of 64
 * bytes: the disk of the state directory, executions started, and group_slots with buffers that are
 * too small, outside memory or negative.
 */
class HostFactsTest {
  @TempDir Path state;

  private final byte[] memory = new byte[64];
  private final GuestMemory guest =
      new GuestMemory() {
        @Override
        public long size() {
          return memory.length;
        }

        @Override
        public byte[] read(int address, int length) {
          check(address, length);
          return Arrays.copyOfRange(memory, address, address + length);
        }

        @Override
        public void write(int address, byte[] bytes) {
          check(address, bytes.length);
          System.arraycopy(bytes, 0, memory, address, bytes.length);
        }
      };

  private DaemonFacts daemon(Optional<Path> disk) {
    return new DaemonFacts() {
      @Override
      public Optional<Path> disk() {
        return disk;
      }

      @Override
      public long executionsStarted() {
        return 42;
      }

      @Override
      public List<GroupSlots> slots() {
        return List.of(new GroupSlots("anonymous", 1, 2), new GroupSlots("friends", 0, 4));
      }
    };
  }

  private long call(DaemonFacts daemon, String name, long... args) {
    HostFunction function =
        new HostFacts(which -> -1, daemon)
            .functions().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    return function.body().call(guest, args)[0];
  }

  @Test
  void diskFactsDescribeTheStateDirectorysFilesystem() throws Exception {
    var store = Files.getFileStore(state);
    assertEquals(store.getTotalSpace(), call(daemon(Optional.of(state)), "disk_total_bytes"));
    long free = call(daemon(Optional.of(state)), "disk_free_bytes");
    assertTrue(free > 0 && free <= store.getTotalSpace(), "free " + free);
    // no state directory, or one that vanished: unknown, never a guess
    assertEquals(-1, call(daemon(Optional.empty()), "disk_total_bytes"));
    assertEquals(-1, call(daemon(Optional.of(state.resolve("gone"))), "disk_free_bytes"));
    assertEquals(-1, call(DaemonFacts.NONE, "executions_started"));
    assertEquals(42, call(daemon(Optional.empty()), "executions_started"));
  }

  @Test
  void groupSlotsWritesWhatFitsAndReturnsTheWholeLength() {
    String whole = "anonymous 1 2\nfriends 0 4\n";
    assertEquals(whole.length(), call(daemon(Optional.empty()), "group_slots", 8, 56));
    assertEquals(whole, new String(memory, 8, whole.length(), StandardCharsets.UTF_8));
    Arrays.fill(memory, (byte) 0);
    // too small a buffer: filled to its end, not beyond; the length says how much room to give
    assertEquals(whole.length(), call(daemon(Optional.empty()), "group_slots", 0, 5));
    assertEquals("anony", new String(memory, 0, 5, StandardCharsets.UTF_8));
    assertEquals(0, memory[5]);
    // asking for the length only touches nothing, wherever the pointer points
    assertEquals(whole.length(), call(daemon(Optional.empty()), "group_slots", 1 << 30, 0));
  }

  @Test
  void groupSlotsOutsideGuestMemoryOrWithANegativeCapacityIsAFault() {
    var outside =
        assertThrows(HostFault.class, () -> call(daemon(Optional.empty()), "group_slots", 60, 56));
    assertTrue(
        outside.getMessage().contains("outside the guest's memory of 64 bytes"),
        outside.getMessage());
    var negative =
        assertThrows(HostFault.class, () -> call(daemon(Optional.empty()), "group_slots", 0, -1));
    assertTrue(negative.getMessage().contains("negative capacity"), negative.getMessage());
    // 0xFFFFFFF0 as an unsigned address is far outside, not a negative index
    assertThrows(
        HostFault.class, () -> call(daemon(Optional.empty()), "group_slots", 0xFFFFFFF0L, 16));
  }
}
