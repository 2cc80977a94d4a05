package org.weverywhere.exec.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.weverywhere.exec.fs.Errno;
import org.weverywhere.exec.fs.SandboxFs;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeEntry;
import org.weverywhere.wasm.ValueType;

/** WASI host functions called directly, with hostile arguments and against the sandbox's walls. */
class WasiPreview1Test {
  static final long MIB = 1024 * 1024;
  static final int PATH = 1000;
  static final int OUT = 2000;
  static final long ALL_RIGHTS = -1L;

  final ArrayMemory memory = new ArrayMemory(64 * 1024);
  final GuestState state = new GuestState(64 * 1024, () -> {});
  SandboxFs fs;
  Map<String, HostFunction> functions;

  void start(long diskLimit, TreeEntry... entries) {
    fs = SandboxFs.of(List.of(new Preopen("/", new DirTree(List.of(entries)))), diskLimit, 1000);
    functions =
        new WasiPreview1(
                List.of("p"),
                Map.of("K", "V"),
                "stdin".getBytes(StandardCharsets.UTF_8),
                state,
                fs,
                () -> false)
            .functions().stream()
                .collect(Collectors.toMap(HostFunction::name, Function.identity()));
  }

  int call(String name, long... args) {
    return (int) functions.get(name).body().call(memory, args)[0];
  }

  int open(String path, int oflags) {
    memory.writeString(PATH, path);
    return call(
        "path_open",
        3,
        1,
        PATH,
        path.getBytes(StandardCharsets.UTF_8).length,
        oflags,
        ALL_RIGHTS,
        ALL_RIGHTS,
        0,
        OUT);
  }

  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  @Test
  void everyFunctionAnswersHostileArgumentsWithAnErrnoAndABoundedAllocation() {
    start(MIB, new TreeEntry.File("f", new byte[100], 0));
    assertEquals(46, functions.size(), "every function of wasi_snapshot_preview1");
    long[] hostile = {0xffff_fff0L, 0x7fff_ffffL, 0xffff_ffffL, 0x8000_0000L, 0, 65_535};
    for (HostFunction function : functions.values()) {
      if (function.name().equals("proc_exit")) {
        continue;
      }
      List<ValueType> params = function.type().params();
      for (long fd : new long[] {1, 3, 0xffff_ffffL}) {
        for (long value : hostile) {
          long[] args = new long[params.size()];
          for (int i = 0; i < args.length; i++) {
            args[i] = params.get(i) == ValueType.I64 ? (value << 32 | value) : (int) value;
          }
          if (args.length > 0
              && !function.name().startsWith("random")
              && !function.name().startsWith("args")
              && !function.name().startsWith("environ")
              && !function.name().startsWith("clock")
              && !function.name().equals("poll_oneoff")
              && !function.name().equals("path_symlink")) {
            args[0] = fd;
          }
          long before = allocatedBytes();
          int errno = (int) function.body().call(memory, args)[0];
          long allocated = allocatedBytes() - before;
          assertTrue(errno >= 0 && errno <= 76, function.name() + " answered " + errno);
          assertTrue(
              allocated < 2 * MIB,
              function.name()
                  + java.util.Arrays.toString(args)
                  + " allocated "
                  + allocated
                  + " bytes");
        }
      }
    }
  }

  @Test
  void aReadOfTwoGigabytesIsAFaultNotAnException() {
    start(MIB);
    memory.write(0, new byte[] {16, 0, 0, 0, 0, 0, 0, (byte) 0x80}); // iovec: 2^31 bytes at 16
    assertEquals(Errno.FAULT, call("fd_read", 0, 0, 1, 8));
    assertEquals(Errno.FAULT, call("fd_write", 1, 0, 1, 8));
    assertEquals(Errno.FAULT, call("random_get", 16, 0xffff_ffffL));
    assertEquals(Errno.INVAL, call("fd_write", 1, 0, 100_000, 8));
  }

  @Test
  void pathsNeverLeaveTheirPreopen() {
    start(
        MIB,
        new TreeEntry.Directory("a", 0),
        new TreeEntry.File("a/f", "x".getBytes(), 0),
        new TreeEntry.Symlink("l", "a/f", 0));
    assertEquals(Errno.SUCCESS, open("a/f", 0));
    assertEquals(Errno.SUCCESS, open("a/../a/./f", 0));
    assertEquals(Errno.SUCCESS, open("l", 0));
    assertEquals(Errno.NOTCAPABLE, open("..", 0));
    assertEquals(Errno.NOTCAPABLE, open("a/../../x", 0));
    assertEquals(Errno.NOTCAPABLE, open("/etc/passwd", 0));
    assertEquals(Errno.INVAL, open("a/f\0", 0));
    for (String target : List.of("..", "../..", "a/../../x", "/", "/etc/passwd")) {
      memory.writeString(PATH, target);
      memory.writeString(PATH + 100, "up");
      assertEquals(
          Errno.NOTCAPABLE, call("path_symlink", PATH, target.length(), 3, PATH + 100, 2), target);
    }
    // from a subdirectory descriptor, '..' stops at that directory
    assertEquals(Errno.ISDIR, open("a", 2), "a directory cannot be opened for writing");
    memory.writeString(PATH, "a");
    assertEquals(
        Errno.SUCCESS,
        call("path_open", 3, 1, PATH, 1, 2, ALL_RIGHTS & ~(1L << 6), ALL_RIGHTS, 0, OUT));
    int sub = memory.readI32(OUT);
    memory.writeString(PATH, "../l");
    assertEquals(
        Errno.NOTCAPABLE, call("path_open", sub, 1, PATH, 4, 0, ALL_RIGHTS, ALL_RIGHTS, 0, OUT));
    // a hard link names the same in-memory file; it cannot name anything outside
    memory.writeString(PATH, "a/f");
    memory.writeString(PATH + 100, "g");
    assertEquals(Errno.SUCCESS, call("path_link", 3, 0, PATH, 3, 3, PATH + 100, 1));
    memory.writeString(PATH, "../f");
    assertEquals(Errno.NOTCAPABLE, call("path_link", 3, 0, PATH, 4, 3, PATH + 100, 1));
  }

  @Test
  void theDiskQuotaBoundsWhatAGuestStores() {
    start(MIB);
    assertEquals(Errno.SUCCESS, open("big", 1));
    int fd = memory.readI32(OUT);
    assertEquals(Errno.NOSPC, call("fd_filestat_set_size", fd, 2 * MIB));
    assertEquals(Errno.NOSPC, call("fd_allocate", fd, 0, 2 * MIB));
    memory.write(
        0, new byte[] {16, 0, 0, 0, (byte) 0xf0, (byte) 0xff, 0, 0}); // iovec: 65520 bytes at 16
    assertEquals(Errno.NOSPC, call("fd_pwrite", fd, 0, 1, 10 * MIB, OUT));
    assertEquals(Errno.FBIG, call("fd_pwrite", fd, 0, 1, Long.MAX_VALUE - 10, OUT));
    int errno;
    int writes = 0;
    do {
      errno = call("fd_write", fd, 0, 1, OUT);
      writes++;
    } while (errno == Errno.SUCCESS && writes < 100);
    assertEquals(Errno.NOSPC, errno);
    assertTrue(fs.bytesUsed() <= MIB, "used " + fs.bytesUsed());
    long full = fs.bytesUsed();
    memory.writeString(PATH, "big");
    assertEquals(Errno.SUCCESS, call("path_unlink_file", 3, PATH, 3));
    assertEquals(
        full - DirTree.ENTRY_OVERHEAD - 3,
        fs.bytesUsed(),
        "an open unlinked file still counts, its name not");
    assertEquals(Errno.SUCCESS, call("fd_close", fd));
    assertTrue(fs.bytesUsed() < 1000, "closed and unlinked, it is gone: " + fs.bytesUsed());
  }

  @Test
  void aChangedTreeComesBackAsTheGuestLeftIt() {
    start(MIB, new TreeEntry.Directory("d", 5), new TreeEntry.File("d/old", "old".getBytes(), 7));
    assertEquals(List.of(), fs.changed() ? List.of("changed") : List.of());
    memory.writeString(PATH, "d/old");
    assertEquals(Errno.SUCCESS, call("path_unlink_file", 3, PATH, 5));
    assertEquals(Errno.SUCCESS, open("d/new", 1));
    int fd = memory.readI32(OUT);
    memory.writeString(100, "hello");
    memory.write(0, new byte[] {100, 0, 0, 0, 5, 0, 0, 0});
    assertEquals(Errno.SUCCESS, call("fd_write", fd, 0, 1, OUT));
    assertTrue(fs.changed());
    var tree = fs.export().getFirst().tree();
    assertEquals(2, tree.entries().size(), tree.toString());
    var file = (TreeEntry.File) tree.entries().get(1);
    assertEquals("d/new", file.path());
    assertEquals("hello", new String(file.content(), StandardCharsets.UTF_8));
  }
}
