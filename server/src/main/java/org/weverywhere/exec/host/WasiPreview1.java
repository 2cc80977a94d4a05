package org.weverywhere.exec.host;

import static org.weverywhere.wasm.ValueType.I32;
import static org.weverywhere.wasm.ValueType.I64;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ValueType;

/**
 * The WASI preview 1 functions guests get, implemented here rather than by an engine so both
 * engines behave byte for byte alike and nothing of the host leaks: stdin/stdout/stderr are the
 * request's bytes and our capture, arguments and environment only what the request passed, no
 * preopened directories (so no file can be opened), no sockets; clocks and random are real.
 */
public final class WasiPreview1 {
  public static final String MODULE = "wasi_snapshot_preview1";

  static final int SUCCESS = 0;
  static final int EBADF = 8;
  static final int EINVAL = 28;
  static final int ENOSYS = 52;
  static final int ESPIPE = 70;
  static final int ENOTCAPABLE = 76;
  private static final int FILETYPE_CHARACTER_DEVICE = 2;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[][] args;
  private final byte[][] env;
  private final byte[] stdin;
  private final GuestState state;
  private int stdinRead;

  public WasiPreview1(List<String> args, Map<String, String> env, byte[] stdin, GuestState state) {
    this.args = args.stream().map(WasiPreview1::cString).toArray(byte[][]::new);
    this.env =
        env.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> cString(e.getKey() + "=" + e.getValue()))
            .toArray(byte[][]::new);
    this.stdin = stdin;
    this.state = state;
  }

  /** Every function of this module, with its wasm signature. */
  public List<HostFunction> functions() {
    List<HostFunction> f = new ArrayList<>();
    f.add(fn("args_sizes_get", List.of(I32, I32), (m, a) -> sizes(m, a, args)));
    f.add(fn("args_get", List.of(I32, I32), (m, a) -> strings(m, a, args)));
    f.add(fn("environ_sizes_get", List.of(I32, I32), (m, a) -> sizes(m, a, env)));
    f.add(fn("environ_get", List.of(I32, I32), (m, a) -> strings(m, a, env)));
    f.add(fn("fd_write", List.of(I32, I32, I32, I32), this::fdWrite));
    f.add(fn("fd_read", List.of(I32, I32, I32, I32), this::fdRead));
    f.add(fn("fd_close", List.of(I32), (m, a) -> stdio(a[0]) ? SUCCESS : EBADF));
    f.add(fn("fd_seek", List.of(I32, I64, I32, I32), (m, a) -> stdio(a[0]) ? ESPIPE : EBADF));
    f.add(fn("fd_fdstat_get", List.of(I32, I32), WasiPreview1::fdstat));
    f.add(fn("fd_fdstat_set_flags", List.of(I32, I32), (m, a) -> stdio(a[0]) ? ENOTCAPABLE : EBADF));
    f.add(fn("fd_filestat_get", List.of(I32, I32), (m, a) -> stdio(a[0]) ? ENOTCAPABLE : EBADF));
    f.add(fn("fd_prestat_get", List.of(I32, I32), (m, a) -> EBADF)); // no preopened directories
    f.add(fn("fd_prestat_dir_name", List.of(I32, I32, I32), (m, a) -> EBADF));
    f.add(fn("fd_readdir", List.of(I32, I32, I32, I64, I32), (m, a) -> EBADF));
    f.add(fn("path_open", List.of(I32, I32, I32, I32, I32, I64, I64, I32, I32), (m, a) -> EBADF));
    f.add(fn("path_filestat_get", List.of(I32, I32, I32, I32, I32), (m, a) -> EBADF));
    f.add(fn("poll_oneoff", List.of(I32, I32, I32, I32), (m, a) -> ENOSYS));
    f.add(fn("sched_yield", List.of(), (m, a) -> SUCCESS));
    f.add(fn("random_get", List.of(I32, I32), WasiPreview1::random));
    f.add(fn("clock_res_get", List.of(I32, I32), WasiPreview1::clockRes));
    f.add(fn("clock_time_get", List.of(I32, I64, I32), WasiPreview1::clockTime));
    f.add(
        new HostFunction(
            MODULE,
            "proc_exit",
            new FuncType(List.of(I32), List.of()),
            (m, a) -> {
              state.exit((int) a[0]);
              return new long[0];
            }));
    return f;
  }

  private static HostFunction fn(String name, List<ValueType> params, ErrnoBody body) {
    return new HostFunction(
        MODULE,
        name,
        new FuncType(params, List.of(I32)),
        (memory, a) -> new long[] {body.call(memory, a)});
  }

  @FunctionalInterface
  private interface ErrnoBody {
    int call(GuestMemory memory, long[] args);
  }

  private static boolean stdio(long fd) {
    return fd >= 0 && fd <= 2;
  }

  private static int sizes(GuestMemory m, long[] a, byte[][] strings) {
    int bytes = 0;
    for (byte[] s : strings) {
      bytes += s.length;
    }
    m.writeI32((int) a[0], strings.length);
    m.writeI32((int) a[1], bytes);
    return SUCCESS;
  }

  private static int strings(GuestMemory m, long[] a, byte[][] strings) {
    int pointers = (int) a[0];
    int buffer = (int) a[1];
    for (int i = 0; i < strings.length; i++) {
      m.writeI32(pointers + 4 * i, buffer);
      m.write(buffer, strings[i]);
      buffer += strings[i].length;
    }
    return SUCCESS;
  }

  private int fdWrite(GuestMemory m, long[] a) {
    int fd = (int) a[0];
    if (fd != 1 && fd != 2) {
      return EBADF;
    }
    int iovs = (int) a[1];
    long written = 0;
    for (int i = 0; i < (int) a[2]; i++) {
      int buf = m.readI32(iovs + 8 * i);
      int len = m.readI32(iovs + 8 * i + 4);
      state.write(fd, m.read(buf, len));
      written += len;
    }
    m.writeI32((int) a[3], (int) written);
    return SUCCESS;
  }

  private int fdRead(GuestMemory m, long[] a) {
    if (a[0] != 0) {
      return EBADF; // only stdin can be read
    }
    int iovs = (int) a[1];
    int read = 0;
    for (int i = 0; i < (int) a[2] && stdinRead < stdin.length; i++) {
      int buf = m.readI32(iovs + 8 * i);
      int len = Math.min(m.readI32(iovs + 8 * i + 4), stdin.length - stdinRead);
      byte[] chunk = java.util.Arrays.copyOfRange(stdin, stdinRead, stdinRead + len);
      m.write(buf, chunk);
      stdinRead += len;
      read += len;
    }
    m.writeI32((int) a[3], read);
    return SUCCESS;
  }

  private static int fdstat(GuestMemory m, long[] a) {
    if (!stdio(a[0])) {
      return EBADF;
    }
    int at = (int) a[1];
    byte[] stat = new byte[24];
    stat[0] = FILETYPE_CHARACTER_DEVICE;
    m.write(at, stat);
    // rights: fd_read (bit 1) for stdin, fd_write (bit 6) for stdout/stderr
    m.writeI64(at + 8, a[0] == 0 ? 1L << 1 : 1L << 6);
    return SUCCESS;
  }

  private static int random(GuestMemory m, long[] a) {
    m.check((int) a[0], (int) a[1]); // before allocating: the length is the guest's to choose
    byte[] bytes = new byte[(int) a[1]];
    RANDOM.nextBytes(bytes);
    m.write((int) a[0], bytes);
    return SUCCESS;
  }

  private static int clockRes(GuestMemory m, long[] a) {
    if (a[0] < 0 || a[0] > 3) {
      return EINVAL;
    }
    m.writeI64((int) a[1], a[0] == 0 ? 1_000L : 1L);
    return SUCCESS;
  }

  private static int clockTime(GuestMemory m, long[] a) {
    long nanos =
        switch ((int) a[0]) {
          case 0 -> {
            Instant now = Instant.now();
            yield now.getEpochSecond() * 1_000_000_000L + now.getNano();
          }
          case 1 -> System.nanoTime();
          case 2, 3 ->
              java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
          default -> -1;
        };
    if (nanos < 0) {
      return EINVAL;
    }
    m.writeI64((int) a[2], nanos);
    return SUCCESS;
  }

  private static byte[] cString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(utf8, utf8.length + 1);
  }
}
