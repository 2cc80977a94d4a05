package org.weverywhere.exec.host;

import static org.weverywhere.wasm.ValueType.I32;
import static org.weverywhere.wasm.ValueType.I64;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.weverywhere.exec.fs.Dir;
import org.weverywhere.exec.fs.Errno;
import org.weverywhere.exec.fs.Link;
import org.weverywhere.exec.fs.Node;
import org.weverywhere.exec.fs.RegularFile;
import org.weverywhere.exec.fs.SandboxFs;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ValueType;

/**
 * All of WASI preview 1 ({@code wasi_snapshot_preview1}), implemented here rather than by an engine
 * so both engines behave byte for byte alike and nothing of the host leaks: stdin, stdout and
 * stderr are the request's bytes and our capture, arguments and environment only what the request
 * passed, files only the request's trees held in memory ({@link SandboxFs}), no sockets; clocks and
 * random are real.
 *
 * <p>Every function answers a bad pointer or length with an errno ({@code FAULT}, {@code INVAL})
 * and moves data in chunks of at most {@link #CHUNK} bytes, so a guest-chosen length never becomes
 * a host allocation. What this host will not do is an errno too, never a refusal to link.
 */
public final class WasiPreview1 {
  public static final String MODULE = "wasi_snapshot_preview1";

  /** Most bytes one host function copies at a time. */
  static final int CHUNK = 64 * 1024;

  /** Most iovecs in one call (POSIX's IOV_MAX). */
  static final int IOV_MAX = 1024;

  /** Most subscriptions in one poll_oneoff. */
  static final int MAX_SUBSCRIPTIONS = 4096;

  /** Most descriptors open at once. */
  static final int MAX_FDS = 1024;

  static final int SUCCESS = 0;
  static final int EBADF = Errno.BADF;
  static final int EINVAL = Errno.INVAL;
  static final int ENOSYS = Errno.NOSYS;
  static final int ESPIPE = Errno.SPIPE;
  static final int ENOTCAPABLE = Errno.NOTCAPABLE;

  static final int FILETYPE_UNKNOWN = 0;
  static final int FILETYPE_CHARACTER_DEVICE = 2;
  static final int FILETYPE_DIRECTORY = 3;

  // rights
  static final long FD_DATASYNC = 1L;
  static final long FD_READ = 1L << 1;
  static final long FD_SEEK = 1L << 2;
  static final long FD_FDSTAT_SET_FLAGS = 1L << 3;
  static final long FD_SYNC = 1L << 4;
  static final long FD_TELL = 1L << 5;
  static final long FD_WRITE = 1L << 6;
  static final long FD_ADVISE = 1L << 7;
  static final long FD_ALLOCATE = 1L << 8;
  static final long PATH_CREATE_DIRECTORY = 1L << 9;
  static final long PATH_CREATE_FILE = 1L << 10;
  static final long PATH_LINK_SOURCE = 1L << 11;
  static final long PATH_LINK_TARGET = 1L << 12;
  static final long PATH_OPEN = 1L << 13;
  static final long FD_READDIR = 1L << 14;
  static final long PATH_READLINK = 1L << 15;
  static final long PATH_RENAME_SOURCE = 1L << 16;
  static final long PATH_RENAME_TARGET = 1L << 17;
  static final long PATH_FILESTAT_GET = 1L << 18;
  static final long PATH_FILESTAT_SET_SIZE = 1L << 19;
  static final long PATH_FILESTAT_SET_TIMES = 1L << 20;
  static final long FD_FILESTAT_GET = 1L << 21;
  static final long FD_FILESTAT_SET_SIZE = 1L << 22;
  static final long FD_FILESTAT_SET_TIMES = 1L << 23;
  static final long PATH_SYMLINK = 1L << 24;
  static final long PATH_REMOVE_DIRECTORY = 1L << 25;
  static final long PATH_UNLINK_FILE = 1L << 26;
  static final long POLL_FD_READWRITE = 1L << 27;

  /** What a regular file's descriptor can ever do. */
  static final long FILE_RIGHTS =
      FD_DATASYNC
          | FD_READ
          | FD_SEEK
          | FD_FDSTAT_SET_FLAGS
          | FD_SYNC
          | FD_TELL
          | FD_WRITE
          | FD_ADVISE
          | FD_ALLOCATE
          | FD_FILESTAT_GET
          | FD_FILESTAT_SET_SIZE
          | FD_FILESTAT_SET_TIMES
          | POLL_FD_READWRITE;

  /** What a directory's descriptor can ever do (a preopen has all of it). */
  static final long DIR_RIGHTS =
      FD_FDSTAT_SET_FLAGS
          | FD_SYNC
          | FD_DATASYNC
          | PATH_CREATE_DIRECTORY
          | PATH_CREATE_FILE
          | PATH_LINK_SOURCE
          | PATH_LINK_TARGET
          | PATH_OPEN
          | FD_READDIR
          | PATH_READLINK
          | PATH_RENAME_SOURCE
          | PATH_RENAME_TARGET
          | PATH_FILESTAT_GET
          | PATH_FILESTAT_SET_SIZE
          | PATH_FILESTAT_SET_TIMES
          | FD_FILESTAT_GET
          | FD_FILESTAT_SET_TIMES
          | PATH_SYMLINK
          | PATH_REMOVE_DIRECTORY
          | PATH_UNLINK_FILE;

  static final int FDFLAGS_APPEND = 1;
  static final int FDFLAGS_ALL = 0x1f;
  static final int OFLAGS_CREAT = 1;
  static final int OFLAGS_DIRECTORY = 2;
  static final int OFLAGS_EXCL = 4;
  static final int OFLAGS_TRUNC = 8;
  static final int LOOKUP_SYMLINK_FOLLOW = 1;
  static final int FST_ATIM = 1;
  static final int FST_ATIM_NOW = 2;
  static final int FST_MTIM = 4;
  static final int FST_MTIM_NOW = 8;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[][] args;
  private final byte[][] env;
  private final byte[] stdin;
  private final GuestState state;
  private final SandboxFs fs;
  private final BooleanSupplier stopRequested;
  private final TreeMap<Integer, Descriptor> fds = new TreeMap<>();
  private int stdinRead;

  /** Without files: a guest that looks for a preopened directory finds none. */
  public WasiPreview1(List<String> args, Map<String, String> env, byte[] stdin, GuestState state) {
    this(args, env, stdin, state, SandboxFs.empty(), () -> Thread.currentThread().isInterrupted());
  }

  /**
   * @param fs the execution's trees, preopened as descriptors 3, 4, ... in their order
   * @param stopRequested true once the guest is being stopped: ends a host-side wait at once
   */
  public WasiPreview1(
      List<String> args,
      Map<String, String> env,
      byte[] stdin,
      GuestState state,
      SandboxFs fs,
      BooleanSupplier stopRequested) {
    this.args = args.stream().map(WasiPreview1::cString).toArray(byte[][]::new);
    this.env =
        env.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> cString(e.getKey() + "=" + e.getValue()))
            .toArray(byte[][]::new);
    this.stdin = stdin;
    this.state = state;
    this.fs = fs;
    this.stopRequested = stopRequested;
    fds.put(0, new Stdio(0));
    fds.put(1, new Stdio(1));
    fds.put(2, new Stdio(2));
    int fd = 3;
    for (SandboxFs.Root root : fs.roots()) {
      fds.put(
          fd++, new OpenDir(root.dir(), DIR_RIGHTS, DIR_RIGHTS | FILE_RIGHTS, root.guestPath()));
    }
  }

  /** An open descriptor. */
  private sealed interface Descriptor permits Stdio, OpenFile, OpenDir {}

  /** stdin (0), stdout (1) or stderr (2), wherever the guest renumbered it. */
  private static final class Stdio implements Descriptor {
    final int stream;
    int fdflags;

    Stdio(int stream) {
      this.stream = stream;
    }

    long rights() {
      return (stream == 0 ? FD_READ : FD_WRITE)
          | POLL_FD_READWRITE
          | FD_FDSTAT_SET_FLAGS
          | FD_FILESTAT_GET;
    }
  }

  private static final class OpenFile implements Descriptor {
    final RegularFile file;
    long position;
    int fdflags;
    long base;
    long inheriting;

    OpenFile(RegularFile file, int fdflags, long base, long inheriting) {
      this.file = file;
      this.fdflags = fdflags;
      this.base = base;
      this.inheriting = inheriting;
    }
  }

  private static final class OpenDir implements Descriptor {
    final Dir dir;
    long base;
    long inheriting;
    int fdflags;

    /** The guest path of a preopen, null for a directory the guest opened. */
    final String preopen;

    OpenDir(Dir dir, long base, long inheriting, String preopen) {
      this.dir = dir;
      this.base = base;
      this.inheriting = inheriting;
      this.preopen = preopen;
    }
  }

  /** Every function of this module, with its wasm signature. */
  public List<HostFunction> functions() {
    List<HostFunction> f = new ArrayList<>();
    f.add(fn("args_sizes_get", List.of(I32, I32), (m, a) -> sizes(m, a, args)));
    f.add(fn("args_get", List.of(I32, I32), (m, a) -> strings(m, a, args)));
    f.add(fn("environ_sizes_get", List.of(I32, I32), (m, a) -> sizes(m, a, env)));
    f.add(fn("environ_get", List.of(I32, I32), (m, a) -> strings(m, a, env)));
    f.add(fn("clock_res_get", List.of(I32, I32), WasiPreview1::clockRes));
    f.add(fn("clock_time_get", List.of(I32, I64, I32), WasiPreview1::clockTime));
    f.add(fn("fd_advise", List.of(I32, I64, I64, I32), this::fdAdvise));
    f.add(fn("fd_allocate", List.of(I32, I64, I64), this::fdAllocate));
    f.add(fn("fd_close", List.of(I32), this::fdClose));
    f.add(fn("fd_datasync", List.of(I32), this::fdSync));
    f.add(fn("fd_fdstat_get", List.of(I32, I32), this::fdstat));
    f.add(fn("fd_fdstat_set_flags", List.of(I32, I32), this::fdstatSetFlags));
    f.add(fn("fd_fdstat_set_rights", List.of(I32, I64, I64), this::fdstatSetRights));
    f.add(fn("fd_filestat_get", List.of(I32, I32), this::fdFilestat));
    f.add(fn("fd_filestat_set_size", List.of(I32, I64), this::fdFilestatSetSize));
    f.add(fn("fd_filestat_set_times", List.of(I32, I64, I64, I32), this::fdFilestatSetTimes));
    f.add(fn("fd_pread", List.of(I32, I32, I32, I64, I32), this::fdPread));
    f.add(fn("fd_prestat_get", List.of(I32, I32), this::prestat));
    f.add(fn("fd_prestat_dir_name", List.of(I32, I32, I32), this::prestatDirName));
    f.add(fn("fd_pwrite", List.of(I32, I32, I32, I64, I32), this::fdPwrite));
    f.add(fn("fd_read", List.of(I32, I32, I32, I32), this::fdRead));
    f.add(fn("fd_readdir", List.of(I32, I32, I32, I64, I32), this::fdReaddir));
    f.add(fn("fd_renumber", List.of(I32, I32), this::fdRenumber));
    f.add(fn("fd_seek", List.of(I32, I64, I32, I32), this::fdSeek));
    f.add(fn("fd_sync", List.of(I32), this::fdSync));
    f.add(fn("fd_tell", List.of(I32, I32), this::fdTell));
    f.add(fn("fd_write", List.of(I32, I32, I32, I32), this::fdWrite));
    f.add(fn("path_create_directory", List.of(I32, I32, I32), this::pathCreateDirectory));
    f.add(fn("path_filestat_get", List.of(I32, I32, I32, I32, I32), this::pathFilestat));
    f.add(
        fn(
            "path_filestat_set_times",
            List.of(I32, I32, I32, I32, I64, I64, I32),
            this::pathFilestatSetTimes));
    f.add(fn("path_link", List.of(I32, I32, I32, I32, I32, I32, I32), this::pathLink));
    f.add(fn("path_open", List.of(I32, I32, I32, I32, I32, I64, I64, I32, I32), this::pathOpen));
    f.add(fn("path_readlink", List.of(I32, I32, I32, I32, I32, I32), this::pathReadlink));
    f.add(fn("path_remove_directory", List.of(I32, I32, I32), this::pathRemoveDirectory));
    f.add(fn("path_rename", List.of(I32, I32, I32, I32, I32, I32), this::pathRename));
    f.add(fn("path_symlink", List.of(I32, I32, I32, I32, I32), this::pathSymlink));
    f.add(fn("path_unlink_file", List.of(I32, I32, I32), this::pathUnlinkFile));
    f.add(fn("poll_oneoff", List.of(I32, I32, I32, I32), this::pollOneoff));
    f.add(
        new HostFunction(
            MODULE,
            "proc_exit",
            new FuncType(List.of(I32), List.of()),
            (m, a) -> {
              state.exit((int) a[0]);
              return new long[0];
            }));
    // signals are not emulated: a guest that raises one is told so
    f.add(fn("proc_raise", List.of(I32), (m, a) -> Errno.NOSYS));
    f.add(
        fn(
            "sched_yield",
            List.of(),
            (m, a) -> {
              Thread.yield();
              return SUCCESS;
            }));
    f.add(fn("random_get", List.of(I32, I32), WasiPreview1::random));
    // guests get no network in this version: every socket call finds no socket
    f.add(fn("sock_accept", List.of(I32, I32, I32), this::notASocket));
    f.add(fn("sock_recv", List.of(I32, I32, I32, I32, I32, I32), this::notASocket));
    f.add(fn("sock_send", List.of(I32, I32, I32, I32, I32), this::notASocket));
    f.add(fn("sock_shutdown", List.of(I32, I32), this::notASocket));
    return f;
  }

  private static HostFunction fn(String name, List<ValueType> params, ErrnoBody body) {
    return new HostFunction(
        MODULE,
        name,
        new FuncType(params, List.of(I32)),
        (memory, a) -> new long[] {errno(body, memory, a)});
  }

  /** A host function's errno: a bad pointer is {@code FAULT}, as in Wasmtime, never a trap. */
  private static int errno(ErrnoBody body, GuestMemory memory, long[] a) {
    try {
      return body.call(memory, a);
    } catch (Errno e) {
      return e.code();
    } catch (HostFault outside) {
      return Errno.FAULT;
    }
  }

  @FunctionalInterface
  private interface ErrnoBody {
    int call(GuestMemory memory, long[] args);
  }

  private static int u32(long arg) {
    return (int) arg;
  }

  /** An i32 argument as the unsigned length it is. */
  private static long len(long arg) {
    return Integer.toUnsignedLong((int) arg);
  }

  private Descriptor descriptor(long fd) {
    Descriptor d = fds.get((int) fd);
    if (d == null) {
      throw new Errno(Errno.BADF);
    }
    return d;
  }

  private OpenFile file(long fd) {
    return switch (descriptor(fd)) {
      case OpenFile f -> f;
      case OpenDir d -> throw new Errno(Errno.ISDIR);
      case Stdio s -> throw new Errno(Errno.SPIPE);
    };
  }

  private OpenDir dir(long fd) {
    return switch (descriptor(fd)) {
      case OpenDir d -> d;
      default -> throw new Errno(Errno.NOTDIR);
    };
  }

  private static void need(long rights, long right) {
    if ((rights & right) == 0) {
      throw new Errno(Errno.NOTCAPABLE);
    }
  }

  // ---- arguments, environment, clocks, random

  private static int sizes(GuestMemory m, long[] a, byte[][] strings) {
    long bytes = 0;
    for (byte[] s : strings) {
      bytes += s.length;
    }
    m.writeI32(u32(a[0]), strings.length);
    m.writeI32(u32(a[1]), (int) bytes);
    return SUCCESS;
  }

  private static int strings(GuestMemory m, long[] a, byte[][] strings) {
    long pointers = len(a[0]);
    long buffer = len(a[1]);
    long total = 0;
    for (byte[] s : strings) {
      total += s.length;
    }
    m.check((int) pointers, (int) Math.min(4L * strings.length, 0xffff_ffffL));
    m.check((int) buffer, (int) Math.min(total, 0xffff_ffffL));
    for (int i = 0; i < strings.length; i++) {
      m.writeI32((int) (pointers + 4L * i), (int) buffer);
      m.write((int) buffer, strings[i]);
      buffer += strings[i].length;
    }
    return SUCCESS;
  }

  private static int clockRes(GuestMemory m, long[] a) {
    if (a[0] < 0 || a[0] > 3) {
      return EINVAL;
    }
    m.writeI64(u32(a[1]), a[0] == 0 ? 1_000L : 1L);
    return SUCCESS;
  }

  private static long clock(int id) {
    return switch (id) {
      case 0 -> SandboxFs.now();
      case 1 -> System.nanoTime();
      case 2, 3 ->
          java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      default -> throw new Errno(Errno.INVAL);
    };
  }

  private static int clockTime(GuestMemory m, long[] a) {
    m.writeI64(u32(a[2]), clock((int) a[0]));
    return SUCCESS;
  }

  private static int random(GuestMemory m, long[] a) {
    int at = u32(a[0]);
    long length = len(a[1]);
    m.check(at, (int) length); // before anything: the length is the guest's to choose
    byte[] chunk = new byte[(int) Math.min(length, CHUNK)];
    for (long done = 0; done < length; done += chunk.length) {
      int n = (int) Math.min(chunk.length, length - done);
      byte[] bytes = n == chunk.length ? chunk : new byte[n];
      RANDOM.nextBytes(bytes);
      m.write((int) (at + done), bytes);
    }
    return SUCCESS;
  }

  // ---- reading and writing

  /** The iovec array: checked in memory and bounded in count before any is used. */
  private static long[][] iovecs(GuestMemory m, long iovs, long count) {
    if (count > IOV_MAX) {
      throw new Errno(Errno.INVAL);
    }
    m.check((int) iovs, (int) (8 * count));
    long[][] vectors = new long[(int) count][];
    for (int i = 0; i < count; i++) {
      long buf = Integer.toUnsignedLong(m.readI32((int) (iovs + 8L * i)));
      long length = Integer.toUnsignedLong(m.readI32((int) (iovs + 8L * i + 4)));
      m.check((int) buf, (int) length);
      vectors[i] = new long[] {buf, length};
    }
    return vectors;
  }

  /** Most bytes one read or write moves, so its count fits the guest's signed size type. */
  private static final long MAX_TRANSFER = Integer.MAX_VALUE;

  private int fdWrite(GuestMemory m, long[] a) {
    Descriptor d = descriptor(a[0]);
    long[][] vectors = iovecs(m, len(a[1]), len(a[2]));
    long written;
    switch (d) {
      case Stdio s -> {
        if (s.stream == 0) {
          return Errno.BADF;
        }
        written = 0;
        for (long[] v : vectors) {
          for (long done = 0; done < v[1] && written < MAX_TRANSFER; ) {
            int n = (int) Math.min(Math.min(CHUNK, v[1] - done), MAX_TRANSFER - written);
            state.write(s.stream, m.read((int) (v[0] + done), n));
            done += n;
            written += n;
          }
        }
      }
      case OpenFile f -> {
        need(f.base, FD_WRITE);
        if ((f.fdflags & FDFLAGS_APPEND) != 0) {
          f.position = f.file.size();
        }
        written = writeFile(m, f.file, f.position, vectors);
        f.position += written;
      }
      case OpenDir dir -> {
        return Errno.ISDIR;
      }
    }
    m.writeI32(u32(a[3]), (int) written);
    return SUCCESS;
  }

  private int fdPwrite(GuestMemory m, long[] a) {
    OpenFile f = file(a[0]);
    need(f.base, FD_WRITE);
    long offset = a[3];
    if (offset < 0) {
      return EINVAL;
    }
    long written = writeFile(m, f.file, offset, iovecs(m, len(a[1]), len(a[2])));
    m.writeI32(u32(a[4]), (int) written);
    return SUCCESS;
  }

  private long writeFile(GuestMemory m, RegularFile file, long position, long[][] vectors) {
    long written = 0;
    long now = SandboxFs.now();
    for (long[] v : vectors) {
      for (long done = 0; done < v[1] && written < MAX_TRANSFER; ) {
        int n = (int) Math.min(Math.min(CHUNK, v[1] - done), MAX_TRANSFER - written);
        byte[] chunk = m.read((int) (v[0] + done), n);
        try {
          file.write(position + written, chunk, 0, n, now);
        } catch (Errno full) {
          if (written == 0) {
            throw full;
          }
          return written; // a short write; the next one reports the error
        }
        fs.touched();
        done += n;
        written += n;
      }
    }
    return written;
  }

  private int fdRead(GuestMemory m, long[] a) {
    Descriptor d = descriptor(a[0]);
    long[][] vectors = iovecs(m, len(a[1]), len(a[2]));
    long read;
    switch (d) {
      case Stdio s -> {
        if (s.stream != 0) {
          return Errno.BADF;
        }
        read = 0;
        for (long[] v : vectors) {
          int n = (int) Math.min(v[1], stdin.length - stdinRead);
          for (int done = 0; done < n; ) {
            int chunk = Math.min(CHUNK, n - done);
            m.write(
                (int) (v[0] + done),
                java.util.Arrays.copyOfRange(stdin, stdinRead, stdinRead + chunk));
            stdinRead += chunk;
            done += chunk;
          }
          read += n;
          if (stdinRead == stdin.length) {
            break;
          }
        }
      }
      case OpenFile f -> {
        need(f.base, FD_READ);
        read = readFile(m, f.file, f.position, vectors);
        f.position += read;
      }
      case OpenDir dir -> {
        return Errno.ISDIR;
      }
    }
    m.writeI32(u32(a[3]), (int) read);
    return SUCCESS;
  }

  private int fdPread(GuestMemory m, long[] a) {
    OpenFile f = file(a[0]);
    need(f.base, FD_READ);
    long offset = a[3];
    if (offset < 0) {
      return EINVAL;
    }
    long read = readFile(m, f.file, offset, iovecs(m, len(a[1]), len(a[2])));
    m.writeI32(u32(a[4]), (int) read);
    return SUCCESS;
  }

  private static long readFile(GuestMemory m, RegularFile file, long position, long[][] vectors) {
    long read = 0;
    byte[] chunk = null;
    for (long[] v : vectors) {
      for (long done = 0; done < v[1] && read < MAX_TRANSFER; ) {
        int want = (int) Math.min(Math.min(CHUNK, v[1] - done), MAX_TRANSFER - read);
        if (chunk == null || chunk.length < want) {
          chunk = new byte[want];
        }
        int n = file.read(position + read, chunk, 0, want);
        if (n == 0) {
          return read;
        }
        m.write((int) (v[0] + done), n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n));
        done += n;
        read += n;
      }
    }
    return read;
  }

  private int fdSeek(GuestMemory m, long[] a) {
    OpenFile f = file(a[0]);
    long offset = a[1];
    long base =
        switch ((int) a[2]) {
          case 0 -> 0;
          case 1 -> f.position;
          case 2 -> f.file.size();
          default -> throw new Errno(Errno.INVAL);
        };
    long target = base + offset;
    if (target < 0 || (offset > 0 && target < base)) {
      return EINVAL;
    }
    f.position = target;
    m.writeI64(u32(a[3]), target);
    return SUCCESS;
  }

  private int fdTell(GuestMemory m, long[] a) {
    OpenFile f = file(a[0]);
    m.writeI64(u32(a[1]), f.position);
    return SUCCESS;
  }

  // ---- descriptors

  private int fdClose(GuestMemory m, long[] a) {
    Descriptor d = fds.remove((int) a[0]);
    if (d == null) {
      return Errno.BADF;
    }
    if (d instanceof OpenFile f) {
      fs.opened(f.file, -1);
    }
    return SUCCESS;
  }

  private int fdRenumber(GuestMemory m, long[] a) {
    int from = (int) a[0];
    int to = (int) a[1];
    Descriptor moving = descriptor(from);
    Descriptor replaced = descriptor(to);
    if (from == to) {
      return SUCCESS;
    }
    fds.remove(from);
    fds.put(to, moving);
    if (replaced instanceof OpenFile f) {
      fs.opened(f.file, -1);
    }
    return SUCCESS;
  }

  private int fdSync(GuestMemory m, long[] a) {
    descriptor(a[0]); // nothing to flush: the trees live in memory
    return SUCCESS;
  }

  private int fdAdvise(GuestMemory m, long[] a) {
    file(a[0]);
    if (a[1] < 0 || a[2] < 0 || a[3] < 0 || a[3] > 5) {
      return EINVAL;
    }
    return SUCCESS;
  }

  private int fdAllocate(GuestMemory m, long[] a) {
    OpenFile f = file(a[0]);
    long end = a[1] + a[2];
    if (a[1] < 0 || a[2] < 0 || end < 0) {
      return EINVAL;
    }
    if (end > f.file.size()) {
      f.file.truncate(end, SandboxFs.now());
      fs.touched();
    }
    return SUCCESS;
  }

  private int fdstat(GuestMemory m, long[] a) {
    Descriptor d = descriptor(a[0]);
    byte[] stat = new byte[24];
    ByteBuffer b = ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN);
    switch (d) {
      case Stdio s -> {
        b.put(0, (byte) FILETYPE_CHARACTER_DEVICE);
        b.putShort(2, (short) s.fdflags);
        b.putLong(8, s.rights());
      }
      case OpenFile f -> {
        b.put(0, (byte) f.file.filetype());
        b.putShort(2, (short) f.fdflags);
        b.putLong(8, f.base);
        b.putLong(16, f.inheriting);
      }
      case OpenDir dir -> {
        b.put(0, (byte) FILETYPE_DIRECTORY);
        b.putShort(2, (short) dir.fdflags);
        b.putLong(8, dir.base);
        b.putLong(16, dir.inheriting);
      }
    }
    m.write(u32(a[1]), stat);
    return SUCCESS;
  }

  private int fdstatSetFlags(GuestMemory m, long[] a) {
    int flags = (int) a[1];
    if ((flags & ~FDFLAGS_ALL) != 0) {
      return EINVAL;
    }
    switch (descriptor(a[0])) {
      case Stdio s -> s.fdflags = flags;
      case OpenFile f -> f.fdflags = flags;
      case OpenDir dir -> dir.fdflags = flags;
    }
    return SUCCESS;
  }

  /** Rights can only be dropped, never regained. */
  private int fdstatSetRights(GuestMemory m, long[] a) {
    long base = a[1];
    long inheriting = a[2];
    switch (descriptor(a[0])) {
      case Stdio s -> {
        if ((base & ~s.rights()) != 0 || inheriting != 0) {
          return ENOTCAPABLE;
        }
      }
      case OpenFile f -> {
        if ((base & ~f.base) != 0 || (inheriting & ~f.inheriting) != 0) {
          return ENOTCAPABLE;
        }
        f.base = base;
        f.inheriting = inheriting;
      }
      case OpenDir dir -> {
        if ((base & ~dir.base) != 0 || (inheriting & ~dir.inheriting) != 0) {
          return ENOTCAPABLE;
        }
        dir.base = base;
        dir.inheriting = inheriting;
      }
    }
    return SUCCESS;
  }

  private static byte[] filestat(Node node) {
    byte[] stat = new byte[64];
    ByteBuffer b = ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, 1); // one device: the sandbox
    b.putLong(8, node.ino());
    b.put(16, (byte) node.filetype());
    b.putLong(24, node.nlink());
    b.putLong(32, node.size());
    b.putLong(40, node.atim());
    b.putLong(48, node.mtim());
    b.putLong(56, node.ctim());
    return stat;
  }

  private int fdFilestat(GuestMemory m, long[] a) {
    byte[] stat =
        switch (descriptor(a[0])) {
          case Stdio s -> {
            byte[] chardev = new byte[64];
            chardev[16] = FILETYPE_CHARACTER_DEVICE;
            yield chardev;
          }
          case OpenFile f -> filestat(f.file);
          case OpenDir dir -> filestat(dir.dir);
        };
    m.write(u32(a[1]), stat);
    return SUCCESS;
  }

  private int fdFilestatSetSize(GuestMemory m, long[] a) {
    OpenFile f = file(a[0]);
    if (a[1] < 0) {
      return EINVAL;
    }
    f.file.truncate(a[1], SandboxFs.now());
    fs.touched();
    return SUCCESS;
  }

  private int fdFilestatSetTimes(GuestMemory m, long[] a) {
    Node node =
        switch (descriptor(a[0])) {
          case Stdio s -> throw new Errno(Errno.BADF);
          case OpenFile f -> f.file;
          case OpenDir dir -> dir.dir;
        };
    setTimes(node, a[1], a[2], (int) a[3]);
    return SUCCESS;
  }

  private void setTimes(Node node, long atim, long mtim, int flags) {
    if ((flags & ~0xf) != 0
        || (flags & (FST_ATIM | FST_ATIM_NOW)) == (FST_ATIM | FST_ATIM_NOW)
        || (flags & (FST_MTIM | FST_MTIM_NOW)) == (FST_MTIM | FST_MTIM_NOW)) {
      throw new Errno(Errno.INVAL);
    }
    long now = SandboxFs.now();
    long newAtim = (flags & FST_ATIM) != 0 ? atim : (flags & FST_ATIM_NOW) != 0 ? now : node.atim();
    long newMtim = (flags & FST_MTIM) != 0 ? mtim : (flags & FST_MTIM_NOW) != 0 ? now : node.mtim();
    node.times(newAtim, newMtim, now);
    fs.touched();
  }

  private int prestat(GuestMemory m, long[] a) {
    if (!(descriptor(a[0]) instanceof OpenDir dir) || dir.preopen == null) {
      return Errno.BADF;
    }
    byte[] stat = new byte[8];
    ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN).putInt(4, utf8(dir.preopen).length);
    m.write(u32(a[1]), stat);
    return SUCCESS;
  }

  private int prestatDirName(GuestMemory m, long[] a) {
    if (!(descriptor(a[0]) instanceof OpenDir dir) || dir.preopen == null) {
      return Errno.BADF;
    }
    byte[] name = utf8(dir.preopen);
    if (len(a[2]) < name.length) {
      return Errno.NAMETOOLONG;
    }
    m.write(u32(a[1]), name);
    return SUCCESS;
  }

  /** Dirent header: d_next u64, d_ino u64, d_namlen u32, d_type u8 (24 bytes with padding). */
  private int fdReaddir(GuestMemory m, long[] a) {
    OpenDir d = dir(a[0]);
    need(d.base, FD_READDIR);
    long buf = len(a[1]);
    long bufLen = len(a[2]);
    long cookie = a[3];
    m.check((int) buf, (int) bufLen);
    List<Map.Entry<String, Node>> entries = new ArrayList<>();
    entries.add(Map.entry(".", d.dir));
    entries.add(Map.entry("..", d.dir.parent()));
    if (cookie < 0) {
      return EINVAL;
    }
    // skip to the cookie without copying the whole directory
    long index = 2;
    long used = 0;
    if (cookie < 2) {
      for (long i = cookie; i < 2 && used < bufLen; i++) {
        used += dirent(m, buf + used, bufLen - used, i + 1, entries.get((int) i));
      }
    }
    for (var child : d.dir.children().entrySet()) {
      if (used >= bufLen) {
        break;
      }
      if (index >= cookie) {
        used += dirent(m, buf + used, bufLen - used, index + 1, child);
      }
      index++;
    }
    m.writeI32(u32(a[4]), (int) used);
    return SUCCESS;
  }

  /** Writes one dirent, cut at the end of the buffer; the bytes used. */
  private static long dirent(
      GuestMemory m, long at, long room, long next, Map.Entry<String, Node> entry) {
    byte[] name = utf8(entry.getKey());
    byte[] bytes = new byte[24 + name.length];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, next);
    b.putLong(8, entry.getValue().ino());
    b.putInt(16, name.length);
    b.put(20, (byte) entry.getValue().filetype());
    System.arraycopy(name, 0, bytes, 24, name.length);
    int n = (int) Math.min(bytes.length, room);
    m.write((int) at, n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n));
    return n;
  }

  // ---- paths

  /** A guest path string: bounded before it is read, valid UTF-8. */
  private static String path(GuestMemory m, long at, long length) {
    if (length > SandboxFs.MAX_PATH) {
      throw new Errno(Errno.NAMETOOLONG);
    }
    byte[] bytes = m.read((int) at, (int) length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Errno(Errno.ILSEQ);
    }
  }

  private int pathOpen(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    int lookup = (int) a[1];
    String path = path(m, len(a[2]), len(a[3]));
    int oflags = (int) a[4];
    long base = a[5];
    long inheriting = a[6];
    int fdflags = (int) a[7];
    int out = u32(a[8]);
    m.check(out, 4);
    if ((fdflags & ~FDFLAGS_ALL) != 0 || (oflags & ~0xf) != 0) {
      return EINVAL;
    }
    need(at.base, PATH_OPEN);
    boolean create = (oflags & OFLAGS_CREAT) != 0;
    boolean directory = (oflags & OFLAGS_DIRECTORY) != 0;
    if (create) {
      need(at.base, PATH_CREATE_FILE);
    }
    if ((oflags & OFLAGS_TRUNC) != 0) {
      need(at.base, PATH_FILESTAT_SET_SIZE);
    }
    if (fds.size() >= MAX_FDS) {
      return Errno.MFILE;
    }
    SandboxFs.Lookup found = fs.resolve(at.dir, path, (lookup & LOOKUP_SYMLINK_FOLLOW) != 0);
    Node node = found.node();
    if (node == null) {
      if (!create) {
        return Errno.NOENT;
      }
      if (directory || found.trailingSlash()) {
        return Errno.ISDIR;
      }
      node = fs.createFile(found.parent(), found.name());
    } else if (create && (oflags & OFLAGS_EXCL) != 0) {
      return Errno.EXIST;
    }
    switch (node) {
      case Link link -> {
        return directory ? Errno.NOTDIR : Errno.LOOP; // not followed: O_NOFOLLOW
      }
      case Dir d -> {
        if ((base & FD_WRITE) != 0 || (oflags & OFLAGS_TRUNC) != 0) {
          return Errno.ISDIR;
        }
        int fd = freeFd();
        fds.put(
            fd,
            new OpenDir(d, base & at.inheriting & DIR_RIGHTS, inheriting & at.inheriting, null));
        m.writeI32(out, fd);
      }
      case RegularFile file -> {
        if (directory || found.trailingSlash()) {
          return Errno.NOTDIR;
        }
        if ((oflags & OFLAGS_TRUNC) != 0 && file.size() > 0) {
          file.truncate(0, SandboxFs.now());
          fs.touched();
        }
        fs.opened(file, 1);
        int fd = freeFd();
        fds.put(
            fd,
            new OpenFile(
                file, fdflags, base & at.inheriting & FILE_RIGHTS, inheriting & at.inheriting));
        m.writeI32(out, fd);
      }
    }
    return SUCCESS;
  }

  /** The lowest free descriptor above stdio. */
  private int freeFd() {
    int fd = 3;
    while (fds.containsKey(fd)) {
      fd++;
    }
    return fd;
  }

  private int pathCreateDirectory(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    need(at.base, PATH_CREATE_DIRECTORY);
    SandboxFs.Lookup found = fs.resolve(at.dir, path(m, len(a[1]), len(a[2])), false);
    if (found.node() != null) {
      return Errno.EXIST;
    }
    fs.mkdir(found.parent(), found.name());
    return SUCCESS;
  }

  private int pathFilestat(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    need(at.base, PATH_FILESTAT_GET);
    SandboxFs.Lookup found =
        fs.resolve(at.dir, path(m, len(a[2]), len(a[3])), (a[1] & LOOKUP_SYMLINK_FOLLOW) != 0);
    Node node = existing(found);
    m.write(u32(a[4]), filestat(node));
    return SUCCESS;
  }

  /** The node a lookup found, which must exist (and be a directory if the path said so). */
  private static Node existing(SandboxFs.Lookup found) {
    if (found.node() == null) {
      throw new Errno(Errno.NOENT);
    }
    if (found.trailingSlash() && !(found.node() instanceof Dir)) {
      throw new Errno(Errno.NOTDIR);
    }
    return found.node();
  }

  private int pathFilestatSetTimes(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    need(at.base, PATH_FILESTAT_SET_TIMES);
    SandboxFs.Lookup found =
        fs.resolve(at.dir, path(m, len(a[2]), len(a[3])), (a[1] & LOOKUP_SYMLINK_FOLLOW) != 0);
    setTimes(existing(found), a[4], a[5], (int) a[6]);
    return SUCCESS;
  }

  private int pathLink(GuestMemory m, long[] a) {
    OpenDir from = dir(a[0]);
    need(from.base, PATH_LINK_SOURCE);
    String fromPath = path(m, len(a[2]), len(a[3]));
    OpenDir to = dir(a[4]);
    need(to.base, PATH_LINK_TARGET);
    String toPath = path(m, len(a[5]), len(a[6]));
    Node node = existing(fs.resolve(from.dir, fromPath, (a[1] & LOOKUP_SYMLINK_FOLLOW) != 0));
    if (node instanceof Dir) {
      return Errno.PERM;
    }
    SandboxFs.Lookup target = fs.resolve(to.dir, toPath, false);
    if (target.node() != null) {
      return Errno.EXIST;
    }
    if (target.trailingSlash()) {
      return Errno.NOENT;
    }
    fs.link(target.parent(), target.name(), node);
    return SUCCESS;
  }

  private int pathReadlink(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    need(at.base, PATH_READLINK);
    SandboxFs.Lookup found = fs.resolve(at.dir, path(m, len(a[1]), len(a[2])), false);
    if (!(existing(found) instanceof Link link)) {
      return EINVAL;
    }
    long buf = len(a[3]);
    long room = len(a[4]);
    m.check((int) buf, (int) room);
    byte[] target = utf8(link.target());
    int n = (int) Math.min(room, target.length);
    m.write((int) buf, n == target.length ? target : java.util.Arrays.copyOf(target, n));
    m.writeI32(u32(a[5]), n);
    return SUCCESS;
  }

  private int pathRemoveDirectory(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    need(at.base, PATH_REMOVE_DIRECTORY);
    SandboxFs.Lookup found = fs.resolve(at.dir, path(m, len(a[1]), len(a[2])), false);
    if (found.parent() == null) {
      return found.name().equals(".") ? EINVAL : Errno.NOTEMPTY;
    }
    switch (found.node()) {
      case null -> {
        return Errno.NOENT;
      }
      case Dir d -> {
        if (!d.children().isEmpty()) {
          return Errno.NOTEMPTY;
        }
      }
      default -> {
        return Errno.NOTDIR;
      }
    }
    fs.remove(found.parent(), found.name());
    return SUCCESS;
  }

  private int pathUnlinkFile(GuestMemory m, long[] a) {
    OpenDir at = dir(a[0]);
    need(at.base, PATH_UNLINK_FILE);
    SandboxFs.Lookup found = fs.resolve(at.dir, path(m, len(a[1]), len(a[2])), false);
    Node node = found.node();
    if (node == null) {
      return Errno.NOENT;
    }
    if (node instanceof Dir) {
      return Errno.ISDIR;
    }
    if (found.trailingSlash()) {
      return Errno.NOTDIR;
    }
    fs.remove(found.parent(), found.name());
    return SUCCESS;
  }

  private int pathRename(GuestMemory m, long[] a) {
    OpenDir from = dir(a[0]);
    need(from.base, PATH_RENAME_SOURCE);
    String fromPath = path(m, len(a[1]), len(a[2]));
    OpenDir to = dir(a[3]);
    need(to.base, PATH_RENAME_TARGET);
    String toPath = path(m, len(a[4]), len(a[5]));
    SandboxFs.Lookup source = fs.resolve(from.dir, fromPath, false);
    SandboxFs.Lookup target = fs.resolve(to.dir, toPath, false);
    if (source.parent() == null || target.parent() == null) {
      return Errno.BUSY; // '.' or '..'
    }
    Node node = source.node();
    if (node == null) {
      return Errno.NOENT;
    }
    Node existing = target.node();
    if (node instanceof Dir moving) {
      for (Dir d = target.parent(); ; d = d.parent()) {
        if (d == moving) {
          return EINVAL; // into itself
        }
        if (d.parent() == d) {
          break;
        }
      }
      if (existing != null && !(existing instanceof Dir)) {
        return Errno.NOTDIR;
      }
      if (existing instanceof Dir d && !d.children().isEmpty() && existing != node) {
        return Errno.NOTEMPTY;
      }
    } else {
      if (source.trailingSlash() || target.trailingSlash()) {
        return Errno.NOTDIR;
      }
      if (existing instanceof Dir) {
        return Errno.ISDIR;
      }
    }
    if (existing == node) {
      return SUCCESS; // two names of one file: nothing to do
    }
    if (existing != null) {
      fs.remove(target.parent(), target.name());
    }
    fs.move(source.parent(), source.name(), target.parent(), target.name());
    return SUCCESS;
  }

  private int pathSymlink(GuestMemory m, long[] a) {
    String target = path(m, len(a[0]), len(a[1]));
    OpenDir at = dir(a[2]);
    need(at.base, PATH_SYMLINK);
    SandboxFs.Lookup found = fs.resolve(at.dir, path(m, len(a[3]), len(a[4])), false);
    if (found.node() != null) {
      return Errno.EXIST;
    }
    if (found.trailingSlash()) {
      return Errno.NOENT;
    }
    fs.checkLinkTarget(found.parent(), target);
    fs.symlink(found.parent(), found.name(), target);
    return SUCCESS;
  }

  // ---- polling

  /**
   * Subscriptions (48 bytes: userdata u64, tag u8 at 8, then at 16 either a clock: id u32, timeout
   * u64 at 24, precision u64 at 32, flags u16 at 40; or an fd u32). Events are 32 bytes: userdata
   * u64, error u16 at 8, type u8 at 10, nbytes u64 at 16, flags u16 at 24.
   */
  private int pollOneoff(GuestMemory m, long[] a) {
    long in = len(a[0]);
    long out = len(a[1]);
    long count = len(a[2]);
    int neventsAt = u32(a[3]);
    if (count == 0 || count > MAX_SUBSCRIPTIONS) {
      return EINVAL;
    }
    m.check((int) in, (int) (48 * count));
    m.check((int) out, (int) (32 * count));
    m.check(neventsAt, 4);
    List<byte[]> ready = new ArrayList<>();
    long earliest = Long.MAX_VALUE; // System.nanoTime() of the nearest clock
    List<long[]> clocks = new ArrayList<>(); // userdata, deadline
    for (int i = 0; i < count; i++) {
      ByteBuffer sub =
          ByteBuffer.wrap(m.read((int) (in + 48L * i), 48)).order(ByteOrder.LITTLE_ENDIAN);
      long userdata = sub.getLong(0);
      int tag = sub.get(8);
      switch (tag) {
        case 0 -> {
          int id = sub.getInt(16);
          long timeout = sub.getLong(24);
          boolean absolute = (sub.getShort(40) & 1) != 0;
          long deadline;
          try {
            long now = clock(id);
            long wait = absolute ? timeout - now : timeout;
            deadline = System.nanoTime() + Math.max(0, wait);
          } catch (Errno bad) {
            ready.add(event(userdata, bad.code(), 0, 0));
            continue;
          }
          clocks.add(new long[] {userdata, deadline});
          earliest = Math.min(earliest, deadline);
        }
        case 1, 2 -> ready.add(fdEvent(userdata, tag, sub.getInt(16)));
        default -> ready.add(event(userdata, EINVAL, tag, 0));
      }
    }
    if (ready.isEmpty()) {
      sleepUntil(earliest);
      long now = System.nanoTime();
      for (long[] c : clocks) {
        if (c[1] <= now) {
          ready.add(event(c[0], SUCCESS, 0, 0));
        }
      }
    }
    for (int i = 0; i < ready.size(); i++) {
      m.write((int) (out + 32L * i), ready.get(i));
    }
    m.writeI32(neventsAt, ready.size());
    return SUCCESS;
  }

  /** Whether a descriptor is ready: ours always are (the data is in memory), with how much. */
  private byte[] fdEvent(long userdata, int type, int fd) {
    Descriptor d = fds.get(fd);
    if (d == null) {
      return event(userdata, Errno.BADF, type, 0);
    }
    return switch (d) {
      case Stdio s ->
          (type == 1) == (s.stream == 0)
              ? event(userdata, SUCCESS, type, type == 1 ? stdin.length - stdinRead : 0)
              : event(userdata, Errno.BADF, type, 0);
      case OpenFile f ->
          event(userdata, SUCCESS, type, type == 1 ? Math.max(0, f.file.size() - f.position) : 0);
      case OpenDir dir -> event(userdata, Errno.BADF, type, 0);
    };
  }

  private static byte[] event(long userdata, int errno, int type, long nbytes) {
    byte[] bytes = new byte[32];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, userdata);
    b.putShort(8, (short) errno);
    b.put(10, (byte) type);
    b.putLong(16, nbytes);
    return bytes;
  }

  /**
   * Waits for a guest's clock, in short slices, ending early when the guest is being stopped: the
   * watchdog's request must not wait behind a sleeping host function.
   */
  private void sleepUntil(long deadline) {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || stopRequested.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        return;
      }
      LockSupport.parkNanos(Math.min(left, 5_000_000L));
    }
  }

  private int notASocket(GuestMemory m, long[] a) {
    descriptor(a[0]);
    return Errno.NOTSOCK;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] cString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(utf8, utf8.length + 1);
  }
}
