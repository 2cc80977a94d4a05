package org.weverywhere.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Privilege;

/**
 * The body of a Network Message; {@link #type()} is its {@code t} on the wire. The CDDL of each is
 * in docs/PROTOCOL.md. Byte arrays in these records are not copied: treat them as read-only.
 */
public sealed interface Message {
  /** The wire name, e.g. {@code discover}. */
  String type();

  /** The body map, before encoding. */
  Map<String, Object> body();

  /** The privilege a requester needs for this message; empty for replies and free requests. */
  default Optional<Privilege> privilege() {
    return Optional.empty();
  }

  /** Asks every daemon that hears it to answer with an {@link Announce}. Free. */
  record Discover(Optional<SessionHello> session) implements Message {
    public Discover {
      Objects.requireNonNull(session, "session");
    }

    public Discover() {
      this(Optional.empty());
    }

    public String type() {
      return "discover";
    }

    public Map<String, Object> body() {
      return session.<Map<String, Object>>map(h -> Map.of("session", h.body())).orElse(Map.of());
    }

    static Discover read(Fields f) {
      return new Discover(
          f.has("session") ? Optional.of(SessionHello.read(f.map("session"))) : Optional.empty());
    }
  }

  /**
   * A client's offer to open a session (feature {@code session}, docs/PROTOCOL.md §5a): its
   * ephemeral X25519 public key, carried in a signed {@code discover}.
   */
  record SessionHello(byte[] x25519) {
    public SessionHello {
      if (x25519.length != SessionKeys.X25519_BYTES) {
        throw new IllegalArgumentException("an X25519 public key has 32 bytes");
      }
    }

    Map<String, Object> body() {
      return Map.of("x25519", x25519);
    }

    static SessionHello read(Fields f) {
      return new SessionHello(f.bytes("x25519", SessionKeys.X25519_BYTES));
    }
  }

  /**
   * A daemon's answer to a {@link SessionHello}, in its signed {@code announce}: the session's id,
   * its own ephemeral X25519 public key and how many seconds the session lives.
   */
  record SessionWelcome(byte[] id, byte[] x25519, long ttlSeconds) {
    public SessionWelcome {
      if (id.length != SessionKeys.ID_BYTES || x25519.length != SessionKeys.X25519_BYTES) {
        throw new IllegalArgumentException("a session id has 8 bytes, an X25519 key 32");
      }
      if (ttlSeconds < 0) {
        throw new IllegalArgumentException("negative ttl");
      }
    }

    Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", id);
      body.put("ttl", ttlSeconds);
      body.put("x25519", x25519);
      return body;
    }

    static SessionWelcome read(Fields f) {
      long ttl = f.integer("ttl");
      if (ttl < 0) {
        throw Fields.malformed(f.path() + ".ttl", "seconds, not negative");
      }
      return new SessionWelcome(
          f.bytes("id", SessionKeys.ID_BYTES), f.bytes("x25519", SessionKeys.X25519_BYTES), ttl);
    }
  }

  /**
   * A daemon's presence: its name, HTTP port, and what it offers. Signed by the host key. {@code
   * features} names the optional protocol features it implements (docs/PROTOCOL.md §8); none is
   * sent as no key, so an announce without features is byte for byte what it was.
   */
  record Announce(
      String name,
      int httpPort,
      List<String> libraries,
      List<String> services,
      List<String> features,
      Optional<SessionWelcome> session)
      implements Message {
    public Announce {
      Objects.requireNonNull(name, "name");
      libraries = List.copyOf(libraries);
      services = List.copyOf(services);
      features = List.copyOf(features);
      Objects.requireNonNull(session, "session");
    }

    public Announce(
        String name,
        int httpPort,
        List<String> libraries,
        List<String> services,
        List<String> features) {
      this(name, httpPort, libraries, services, features, Optional.empty());
    }

    /** This announce answering a session offer with {@code welcome}. */
    public Announce withSession(SessionWelcome welcome) {
      return new Announce(name, httpPort, libraries, services, features, Optional.of(welcome));
    }

    public Announce(String name, int httpPort, List<String> libraries, List<String> services) {
      this(name, httpPort, libraries, services, List.of());
    }

    public String type() {
      return "announce";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("http", (long) httpPort);
      body.put("libraries", libraries);
      body.put("services", services);
      if (!features.isEmpty()) {
        body.put("features", features);
      }
      session.ifPresent(w -> body.put("session", w.body()));
      return body;
    }

    static Announce read(Fields f) {
      return new Announce(
          f.text("name"),
          f.uint("http", 65535),
          f.texts("libraries"),
          f.texts("services"),
          f.has("features") ? f.texts("features") : List.of(),
          f.has("session") ? Optional.of(SessionWelcome.read(f.map("session"))) : Optional.empty());
    }
  }

  /** A daemon is stopping. */
  record Bye() implements Message {
    public String type() {
      return "bye";
    }

    public Map<String, Object> body() {
      return Map.of();
    }
  }

  /**
   * Asks for a {@link Description}; {@code what} is a subset of host, libraries, services. Free. A
   * long description comes in pages: {@code cursor} is the {@code next} of the page before (absent
   * for the first page). {@code pad} zero bytes make the datagram larger, so that the
   * no-amplification rule lets a fuller page come back over UDP.
   */
  record Describe(List<String> what, Optional<String> cursor, int pad) implements Message {
    public Describe {
      what = List.copyOf(what);
      Objects.requireNonNull(cursor, "cursor");
      if (pad < 0) {
        throw new IllegalArgumentException("pad cannot be negative: " + pad);
      }
    }

    /** The first page, unpadded. */
    public Describe(List<String> what) {
      this(what, Optional.empty(), 0);
    }

    public String type() {
      return "describe";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("what", what);
      cursor.ifPresent(c -> body.put("cursor", c));
      if (pad > 0) {
        body.put("pad", new byte[pad]);
      }
      return body;
    }

    static Describe read(Fields f) {
      // pad's bytes mean nothing, only its type is checked: the count of them is all that is kept
      return new Describe(
          f.texts("what"), f.optionalText("cursor"), f.has("pad") ? f.bytes("pad").length : 0);
    }
  }

  /**
   * What a host offers. Host facts appear only when the requester has {@code observe}, and (like
   * services) only on the first page; {@code next}, when present, is the cursor of the next page.
   */
  record Description(
      Map<String, Long> host,
      List<Library> libraries,
      List<Service> services,
      Optional<String> next)
      implements Message {
    public Description {
      host = Map.copyOf(host);
      libraries = List.copyOf(libraries);
      services = List.copyOf(services);
      Objects.requireNonNull(next, "next");
    }

    /** A whole description, in one page. */
    public Description(Map<String, Long> host, List<Library> libraries, List<Service> services) {
      this(host, libraries, services, Optional.empty());
    }

    public String type() {
      return "description";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("host", new LinkedHashMap<>(host));
      body.put("libraries", libraries.stream().map(Library::toMap).toList());
      body.put("services", services.stream().map(Service::toMap).toList());
      next.ifPresent(n -> body.put("next", n));
      return body;
    }

    static Description read(Fields f) {
      return new Description(
          f.entries("host", v -> (Long) v, Long.class),
          f.list("libraries", (item, at) -> Library.read(Fields.of(item, at))),
          f.list("services", (item, at) -> Service.read(Fields.of(item, at))),
          f.optionalText("next"));
    }
  }

  /**
   * One library a host offers. {@code exports} is the old human-readable form ({@code "add (i32,
   * i32) -> i32"}), kept for old clients; {@code functions} the same functions with their types as
   * data, which a client uses to type arguments (absent from older daemons: empty).
   */
  record Library(
      String name,
      String version,
      byte[] sha256,
      long size,
      List<String> exports,
      List<Function> functions) {
    public Library {
      exports = List.copyOf(exports);
      functions = List.copyOf(functions);
    }

    public Library(String name, String version, byte[] sha256, long size, List<String> exports) {
      this(name, version, sha256, size, exports, List.of());
    }

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", name);
      map.put("version", version);
      map.put("sha256", sha256);
      map.put("size", size);
      map.put("exports", exports);
      if (!functions.isEmpty()) {
        map.put("functions", functions.stream().map(Function::toMap).toList());
      }
      return map;
    }

    static Library read(Fields f) {
      long size = f.integer("size");
      if (size < 0) {
        throw Fields.malformed(f.path() + ".size", "a non-negative integer");
      }
      List<Function> functions =
          f.has("functions")
              ? f.list("functions", (item, at) -> Function.read(Fields.of(item, at)))
              : List.of();
      return new Library(
          f.text("name"),
          f.text("version"),
          f.bytes("sha256", 32),
          size,
          f.texts("exports"),
          functions);
    }
  }

  /**
   * An exported function as callers see it: value type names ({@code i32}, {@code i64}, {@code
   * f32}, {@code f64}, or {@code bytes}/{@code string} where the module's metadata declares a byte
   * string), and the parameters' names when the metadata gives them (empty otherwise).
   */
  record Function(String name, List<String> params, List<String> results, List<String> paramNames) {
    /** The value types a function's signature may name. */
    public static final List<String> VALUE_TYPES =
        List.of("i32", "i64", "f32", "f64", "bytes", "string");

    public Function {
      Objects.requireNonNull(name, "name");
      params = List.copyOf(params);
      results = List.copyOf(results);
      paramNames = List.copyOf(paramNames);
      if (!paramNames.isEmpty() && paramNames.size() != params.size()) {
        throw new IllegalArgumentException(
            name
                + ": "
                + paramNames.size()
                + " parameter names for "
                + params.size()
                + " parameters");
      }
    }

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", name);
      map.put("params", params);
      map.put("results", results);
      if (!paramNames.isEmpty()) {
        map.put("param-names", paramNames);
      }
      return map;
    }

    static Function read(Fields f) {
      List<String> params = f.texts("params");
      List<String> results = f.texts("results");
      for (String type : params) {
        checkType(type, f.path() + ".params");
      }
      for (String type : results) {
        checkType(type, f.path() + ".results");
      }
      List<String> names = f.has("param-names") ? f.texts("param-names") : List.of();
      if (!names.isEmpty() && names.size() != params.size()) {
        throw Fields.malformed(
            f.path() + ".param-names", "one name per parameter (" + params.size() + ")");
      }
      return new Function(f.text("name"), params, results, names);
    }

    private static void checkType(String type, String at) {
      if (!VALUE_TYPES.contains(type)) {
        throw Fields.malformed(
            at, "value types (" + String.join(", ", VALUE_TYPES) + "), not '" + type + "'");
      }
    }
  }

  /**
   * One service a host declares: its library, the functions callers may call (as {@code name
   * (params) -> results}, like {@link Library#exports}), and its state.
   *
   * @param sha256 the library's hash; empty when the host has no such library (the service failed)
   * @param instances instances configured
   * @param live instances up now
   * @param state running, restarting, failed or stopped
   * @param since when it entered that state, milliseconds since the epoch
   * @param reason why it restarts or failed
   */
  record Service(
      String name,
      String library,
      Optional<byte[]> sha256,
      List<String> functions,
      long instances,
      long live,
      String state,
      long since,
      Optional<String> reason) {
    public Service {
      functions = List.copyOf(functions);
    }

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", name);
      map.put("library", library);
      sha256.ifPresent(h -> map.put("sha256", h));
      map.put("functions", functions);
      map.put("instances", instances);
      map.put("live", live);
      map.put("state", state);
      map.put("since", since);
      reason.ifPresent(r -> map.put("reason", r));
      return map;
    }

    static Service read(Fields f) {
      return new Service(
          f.text("name"),
          f.text("library"),
          f.optionalBytes("sha256", 32),
          f.texts("functions"),
          f.uint("instances", Integer.MAX_VALUE),
          f.uint("live", Integer.MAX_VALUE),
          f.text("state"),
          f.integer("since"),
          f.optionalText("reason"));
    }
  }

  /** Asks for a library's executable material; answered by {@link ModuleReply}. Needs fetch. */
  record Fetch(String library, Optional<byte[]> sha256) implements Message {
    public String type() {
      return "fetch";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("library", library);
      sha256.ifPresent(h -> body.put("sha256", h));
      return body;
    }

    public Optional<Privilege> privilege() {
      return Optional.of(Privilege.FETCH);
    }

    static Fetch read(Fields f) {
      return new Fetch(f.text("library"), f.optionalBytes("sha256", 32));
    }
  }

  /** A library's module bytes (over HTTP: they rarely fit a datagram). */
  record ModuleReply(String library, byte[] sha256, byte[] module) implements Message {
    public String type() {
      return "module";
    }

    public Map<String, Object> body() {
      return Map.of("library", library, "sha256", sha256, "bytes", module);
    }

    static ModuleReply read(Fields f) {
      return new ModuleReply(f.text("library"), f.bytes("sha256", 32), f.bytes("bytes"));
    }
  }

  /** What to run: a library the host has, or module bytes the client sends. */
  sealed interface Target {
    Map<String, Object> toMap();

    static Target read(Fields f) {
      if (f.has("library") == f.has("module")) {
        throw Fields.malformed(f.path(), "a map with exactly one of library, module");
      }
      return f.has("library")
          ? new LibraryTarget(f.text("library"))
          : new ModuleTarget(f.bytes("module"));
    }
  }

  record LibraryTarget(String library) implements Target {
    public Map<String, Object> toMap() {
      return Map.of("library", library);
    }
  }

  record ModuleTarget(byte[] module) implements Target {
    public Map<String, Object> toMap() {
      return Map.of("module", module);
    }
  }

  /** How to run it: as a WASI command, or by calling one exported function. */
  sealed interface Invocation {
    Map<String, Object> toMap();

    static Invocation read(Fields f) {
      if (f.has("function")) {
        return new Call(f.text("function"), f.list("args", WasmValue::read));
      }
      return new Command(
          f.texts("args"),
          f.entries("env", v -> (String) v, String.class),
          f.bytes("stdin"),
          WireTrees.read(f, "dirs"));
    }
  }

  /**
   * A WASI command run: {@code _start} with these args, environment and stdin, and directory trees
   * preopened at their guest paths (optional {@code dirs}, sent over HTTP).
   */
  record Command(
      List<String> args,
      Map<String, String> env,
      byte[] stdin,
      List<org.weverywhere.files.Preopen> dirs)
      implements Invocation {
    public Command {
      args = List.copyOf(args);
      env = Map.copyOf(env);
      dirs = List.copyOf(dirs);
    }

    public Command(List<String> args, Map<String, String> env, byte[] stdin) {
      this(args, env, stdin, List.of());
    }

    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("args", args);
      map.put("env", new LinkedHashMap<>(env));
      map.put("stdin", stdin);
      if (!dirs.isEmpty()) {
        map.put("dirs", WireTrees.toWire(dirs));
      }
      return map;
    }
  }

  /** A call of one exported function with typed arguments. */
  record Call(String function, List<WasmValue> args) implements Invocation {
    public Call {
      args = List.copyOf(args);
    }

    public Map<String, Object> toMap() {
      return Map.of("function", function, "args", args.stream().map(WasmValue::toList).toList());
    }
  }

  /**
   * A WebAssembly number: {@code type} is i32, i64, f32 or f64; {@code bits} is the value, or for
   * floats its IEEE 754 bit pattern (so NaN payloads survive and no CBOR float is ever needed). Or
   * a byte string a function's metadata declares (docs/SERVICES.md): {@code type} bytes or string
   * (UTF-8), {@code data} its bytes (at most {@link #MAX_BYTES}), {@code bits} 0.
   */
  record WasmValue(String type, long bits, byte[] data) {
    private static final List<String> TYPES = List.of("i32", "i64", "f32", "f64");

    /** The largest byte string a value carries (the executor's bound as well). */
    public static final int MAX_BYTES = 1 << 20;

    private static final byte[] NONE = new byte[0];

    public WasmValue {
      if (!TYPES.contains(type) && !type.equals("bytes") && !type.equals("string")) {
        throw new IllegalArgumentException("not a value type: " + type);
      }
      data = TYPES.contains(type) ? NONE : data.clone();
      if (data.length > MAX_BYTES) {
        throw new IllegalArgumentException(
            "a " + type + " value of " + data.length + " bytes is more than " + MAX_BYTES);
      }
    }

    /** A number. */
    public WasmValue(String type, long bits) {
      this(type, bits, NONE);
    }

    public static WasmValue i32(int v) {
      return new WasmValue("i32", v);
    }

    public static WasmValue f64(double v) {
      return new WasmValue("f64", Double.doubleToRawLongBits(v));
    }

    public static WasmValue bytes(byte[] data) {
      return new WasmValue("bytes", 0, data);
    }

    public static WasmValue string(String text) {
      return new WasmValue("string", 0, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    /** True for bytes and string values. */
    public boolean isByteString() {
      return !TYPES.contains(type);
    }

    /** A string value's text (a bytes value's bytes read as UTF-8). */
    public String text() {
      return new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    List<Object> toList() {
      return switch (type) {
        case "bytes" -> List.of(type, data.clone());
        case "string" -> List.of(type, text());
        default -> List.of(type, bits);
      };
    }

    static WasmValue read(Object item, String at) {
      if (item instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String type) {
        if (TYPES.contains(type)
            && pair.get(1) instanceof Long bits
            && (type.equals("i64")
                || type.equals("f64")
                || bits >= Integer.MIN_VALUE && bits <= 0xFFFF_FFFFL)) {
          return new WasmValue(
              type, bits); // 32-bit types: signed or unsigned form (docs/PROTOCOL.md §3 Values)
        }
        if (type.equals("bytes")
            && pair.get(1) instanceof byte[] data
            && data.length <= MAX_BYTES) {
          return bytes(data);
        }
        if (type.equals("string")
            && pair.get(1) instanceof String text
            && text.length() <= MAX_BYTES
            && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_BYTES) {
          return string(text);
        }
      }
      throw Fields.malformed(
          at,
          "[\"i32\"/\"i64\"/\"f32\"/\"f64\", integer] (32-bit types: -2^31 to 2^32-1),"
              + " [\"bytes\", bytes] or [\"string\", text] of at most 1 MiB");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof WasmValue that
          && type.equals(that.type)
          && bits == that.bits
          && java.util.Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + Long.hashCode(bits) + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return isByteString()
          ? "WasmValue[" + type + ", " + data.length + " bytes]"
          : "WasmValue[type=" + type + ", bits=" + bits + "]";
    }
  }

  /**
   * Runs a module or function; answered by {@link Result}. Needs execute. {@code key} ({@code rk})
   * makes retries safe: the host runs it at most once per key (docs/PROTOCOL.md §4b).
   */
  record Execute(Target target, Invocation run, Optional<RequestKey> key) implements Message {
    public Execute {
      Objects.requireNonNull(key, "key");
    }

    /** Without a request key: a retry may run it again. */
    public Execute(Target target, Invocation run) {
      this(target, run, Optional.empty());
    }

    /** The same request under {@code key}, to be kept across its retries. */
    public Execute withKey(RequestKey key) {
      return new Execute(target, run, Optional.of(key));
    }

    public String type() {
      return "execute";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("target", target.toMap());
      body.put("run", run.toMap());
      key.ifPresent(k -> body.put(RequestKey.BODY_KEY, k.bytes()));
      return body;
    }

    public Optional<Privilege> privilege() {
      return Optional.of(Privilege.EXECUTE);
    }

    static Execute read(Fields f) {
      return new Execute(
          Target.read(f.map("target")), Invocation.read(f.map("run")), RequestKey.read(f));
    }
  }

  /**
   * How an execution ended: {@code outcome} is completed, trapped, out-of-fuel, over-memory or
   * interrupted; {@code exit} the WASI exit status; {@code values} a call's results.
   */
  record Result(
      String outcome,
      int exit,
      byte[] stdout,
      byte[] stderr,
      List<WasmValue> values,
      long cpuNanos,
      long wallNanos,
      long peakMemoryBytes,
      List<org.weverywhere.files.Preopen> trees)
      implements Message {
    public Result {
      values = List.copyOf(values);
      trees = List.copyOf(trees);
    }

    /** A result without directory trees. */
    public Result(
        String outcome,
        int exit,
        byte[] stdout,
        byte[] stderr,
        List<WasmValue> values,
        long cpuNanos,
        long wallNanos,
        long peakMemoryBytes) {
      this(outcome, exit, stdout, stderr, values, cpuNanos, wallNanos, peakMemoryBytes, List.of());
    }

    /** A result that reports CPU time only (wall time and memory unknown: 0). */
    public Result(
        String outcome,
        int exit,
        byte[] stdout,
        byte[] stderr,
        List<WasmValue> values,
        long cpuNanos) {
      this(outcome, exit, stdout, stderr, values, cpuNanos, 0, 0);
    }

    public String type() {
      return "result";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("outcome", outcome);
      body.put("exit", (long) exit);
      body.put("stdout", stdout);
      body.put("stderr", stderr);
      body.put("values", values.stream().map(WasmValue::toList).toList());
      body.put("cpu_ns", cpuNanos);
      if (wallNanos > 0) {
        body.put("wall_ns", wallNanos);
      }
      if (peakMemoryBytes > 0) {
        body.put("mem", peakMemoryBytes);
      }
      if (!trees.isEmpty()) {
        body.put("trees", WireTrees.toWire(trees));
      }
      return body;
    }

    static Result read(Fields f) {
      long exit = f.integer("exit");
      if (exit < Integer.MIN_VALUE || exit > Integer.MAX_VALUE) {
        throw Fields.malformed(f.path() + ".exit", "a 32-bit integer");
      }
      return new Result(
          f.text("outcome"),
          (int) exit,
          f.bytes("stdout"),
          f.bytes("stderr"),
          f.list("values", WasmValue::read),
          f.integer("cpu_ns"),
          f.has("wall_ns") ? f.integer("wall_ns") : 0,
          f.has("mem") ? f.integer("mem") : 0,
          WireTrees.read(f, "trees"));
    }
  }

  /**
   * Calls one function of a service the host runs (its instances keep their state between calls);
   * answered by {@link Result}. Needs execute, and one of the service's caller groups when it names
   * any.
   */
  record ServiceCall(
      String service,
      String function,
      List<WasmValue> args,
      List<MessageId> chain,
      Optional<String> origin,
      Optional<RequestKey> key)
      implements Message {
    public ServiceCall {
      args = List.copyOf(args);
      chain = List.copyOf(chain);
      Objects.requireNonNull(key, "key");
    }

    /** Without a request key: a retry may call it again. */
    public ServiceCall(
        String service,
        String function,
        List<WasmValue> args,
        List<MessageId> chain,
        Optional<String> origin) {
      this(service, function, args, chain, origin, Optional.empty());
    }

    /** A call straight from a client: no chain, the signer is the requester. */
    public ServiceCall(String service, String function, List<WasmValue> args) {
      this(service, function, args, List.of(), Optional.empty());
    }

    /** The same call under {@code key}, to be kept across its retries. */
    public ServiceCall withKey(RequestKey key) {
      return new ServiceCall(service, function, args, chain, origin, Optional.of(key));
    }

    public String type() {
      return "call";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("service", service);
      body.put("function", function);
      body.put("args", args.stream().map(WasmValue::toList).toList());
      if (!chain.isEmpty()) {
        body.put("chain", chain.stream().map(MessageId::bytes).toList());
      }
      origin.ifPresent(o -> body.put("origin", o));
      key.ifPresent(k -> body.put(RequestKey.BODY_KEY, k.bytes()));
      return body;
    }

    public Optional<Privilege> privilege() {
      return Optional.of(Privilege.EXECUTE);
    }

    static ServiceCall read(Fields f) {
      List<MessageId> chain = f.has("chain") ? f.list("chain", MessageId::read) : List.of();
      return new ServiceCall(
          f.text("service"),
          f.text("function"),
          f.list("args", WasmValue::read),
          chain,
          f.optionalText("origin"),
          RequestKey.read(f));
    }
  }

  /**
   * A control action, the same set over the network and on the control socket (reload, set, drain,
   * publish...; docs/PROTOCOL.md lists them). {@code module} carries a module's bytes for {@code
   * publish}. Needs publish for publish/unpublish, control for everything else.
   */
  record Control(String action, Map<String, String> arguments, Optional<byte[]> module)
      implements Message {
    public Control {
      Objects.requireNonNull(action, "action");
      arguments = Map.copyOf(arguments);
      Objects.requireNonNull(module, "module");
    }

    public Control(String action, Map<String, String> arguments) {
      this(action, arguments, Optional.empty());
    }

    public String type() {
      return "control";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("action", action);
      body.put("args", new LinkedHashMap<>(arguments));
      module.ifPresent(bytes -> body.put("module", bytes));
      return body;
    }

    public Optional<Privilege> privilege() {
      return Optional.of(
          action.equals("publish") || action.equals("unpublish")
              ? Privilege.PUBLISH
              : Privilege.CONTROL);
    }

    static Control read(Fields f) {
      return new Control(
          f.text("action"),
          f.entries("args", v -> (String) v, String.class),
          f.has("module") ? Optional.of(f.bytes("module")) : Optional.empty());
    }
  }

  /**
   * What a control action did or found: {@code data} is a map of plain values (integers, text,
   * booleans, byte strings, lists and maps of them), e.g. the status of the host and its groups, or
   * a batch of journal events.
   */
  record Report(String action, Map<String, Object> data) implements Message {
    public Report {
      Objects.requireNonNull(action, "action");
      data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public String type() {
      return "report";
    }

    public Map<String, Object> body() {
      return Map.of("action", action, "data", data);
    }

    static Report read(Fields f) {
      return new Report(f.text("action"), f.map("data").values());
    }
  }

  /** A refusal or failure: a stable code (WEnnnn), a message, and the quota when one was hit. */
  record ErrorReply(String code, String message, Optional<String> quota) implements Message {
    public String type() {
      return "error";
    }

    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("code", code);
      body.put("message", message);
      quota.ifPresent(q -> body.put("quota", q));
      return body;
    }

    static ErrorReply read(Fields f) {
      return new ErrorReply(f.text("code"), f.text("message"), f.optionalText("quota"));
    }
  }

  /** Every type name this version knows, in the order of the spec. */
  List<String> TYPES =
      List.of(
          "discover",
          "announce",
          "bye",
          "describe",
          "description",
          "fetch",
          "module",
          "execute",
          "result",
          "control",
          "report",
          "error",
          "call");

  /** The body of a message of {@code type}. */
  static Message read(String type, Fields body) {
    return switch (type) {
      case "discover" -> Discover.read(body);
      case "announce" -> Announce.read(body);
      case "bye" -> new Bye();
      case "describe" -> Describe.read(body);
      case "description" -> Description.read(body);
      case "fetch" -> Fetch.read(body);
      case "module" -> ModuleReply.read(body);
      case "execute" -> Execute.read(body);
      case "result" -> Result.read(body);
      case "control" -> Control.read(body);
      case "report" -> Report.read(body);
      case "error" -> ErrorReply.read(body);
      case "call" -> ServiceCall.read(body);
      default ->
          throw new ProtocolException(Reason.UNKNOWN_TYPE, "unknown message type '" + type + "'");
    };
  }
}
