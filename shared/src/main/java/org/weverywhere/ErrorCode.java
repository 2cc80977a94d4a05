package org.weverywhere;

/**
 * Stable error codes, one per distinct failure a user or a peer can meet.
 *
 * <p>The code string is printed by the CLI, sent in protocol {@code error} replies and answered on
 * the control socket, so it never changes meaning once released. Numbering by area: 1xxx files and
 * I/O, 2xxx WebAssembly binaries, 3xxx configuration, 4xxx keys and Signature Groups, 5xxx Network
 * Messages (wire format, verification, transport answers), 6xxx services, 7xxx the library store,
 * 8xxx the event journal, 9xxx controlling a daemon.
 */
public enum ErrorCode {
  IO_UNREADABLE("WE1001", "a file or directory cannot be read"),
  IO_UNWRITABLE("WE1002", "a file or directory cannot be written"),
  IO_EXISTS("WE1003", "a file already exists and would be overwritten"),
  IO_LOOP("WE1004", "a directory loop was found while walking a tree"),
  TREE_INVALID("WE1010", "a directory tree for an execution has a bad name, path or link"),
  TREE_TOO_LARGE(
      "WE1011", "a directory tree for an execution has more bytes or entries than allowed"),
  BENCH_BAD_ARGUMENT(
      "WE1020",
      "a load run's request mix, concurrency, count or duration is not valid, or names what the daemon lacks"),

  WASM_NOT_WASM("WE2001", "the file is not a WebAssembly binary"),
  WASM_TRUNCATED("WE2002", "the binary ends before a declared item is complete"),
  WASM_MALFORMED("WE2003", "the binary violates the WebAssembly binary format"),
  WASM_SIGNATURE_INVALID(
      "WE2006", "a module's embedded signature does not verify over its content"),
  WASM_BAD_ARGUMENT(
      "WE2010", "a function argument is missing, extra, or not a value of its parameter's type"),
  WASM_NO_FUNCTION("WE2011", "a module or library exports no function of the name asked for"),
  WASM_FUNCTION_TEXT(
      "WE2013",
      "a function's listed text is not a name followed by a signature such as add (i32, i32) -> i32"),
  WASM_RUN_FAILED(
      "WE2012", "a run ended without completing: trapped, out of CPU time or memory, output cut"),
  WASM_LIMIT(
      "WE2020",
      "a module declares more of a resource (tables, table elements, memories, functions, locals, segments) than this host allows"),
  WASM_UNSUPPORTED_PROPOSAL(
      "WE2021",
      "a module uses a WebAssembly proposal the engine does not run or this host does not allow"),
  WASM_COMPILE_LIMIT(
      "WE2022",
      "compiling a module took longer than this host allows, or the module is larger than its group may compile"),

  CONFIG_SYNTAX("WE3001", "a configuration line cannot be parsed"),
  CONFIG_UNKNOWN_KEY("WE3002", "a configuration key is not known"),
  CONFIG_BAD_VALUE("WE3003", "a configuration value is not valid for its key"),

  KEY_MALFORMED("WE4001", "a key file is not a valid PEM key"),
  KEY_NOT_ED25519("WE4002", "a key is not an Ed25519 key"),
  GROUP_INVALID("WE4003", "a Signature Group directory or name is not valid"),
  KEY_EXPOSED("WE4004", "a private key file can be read or written by other users"),

  PROTOCOL_MALFORMED(
      "WE5001", "a network message is not valid CBOR/COSE or breaks the message schema"),
  PROTOCOL_TRUNCATED("WE5002", "a network message ends before a declared item is complete"),
  PROTOCOL_OVERSIZED("WE5003", "a network message is larger than its transport allows"),
  PROTOCOL_LIMIT("WE5004", "a network message nests deeper or holds longer items than allowed"),
  PROTOCOL_ALGORITHM("WE5005", "a network message is signed with an algorithm other than EdDSA"),
  PROTOCOL_BAD_SIGNATURE("WE5006", "a network message's signature does not verify"),
  PROTOCOL_STALE("WE5007", "a network message's timestamp is outside the accepted window"),
  PROTOCOL_REPLAYED("WE5008", "a network message id was seen before"),
  PROTOCOL_AUDIENCE("WE5009", "a network message is addressed to another node"),
  PROTOCOL_VERSION("WE5010", "a network message has an unsupported protocol version"),
  PROTOCOL_UNKNOWN_TYPE("WE5011", "a network message has a type this version does not know"),
  PROTOCOL_BUSY("WE5012", "the replay cache is full: too many messages inside the window"),
  PROTOCOL_UNSUPPORTED_ACTION("WE5013", "a control action this daemon does not perform"),
  PROTOCOL_NOT_PERMITTED(
      "WE5020", "the requester's Signature Groups lack the privilege a request needs"),
  PROTOCOL_NOT_MEMBER("WE5021", "a request names a Signature Group its key is not in"),
  PROTOCOL_QUOTA("WE5022", "a request exceeds a quota of its Signature Group"),
  PROTOCOL_REFUSED("WE5023", "a peer refused a request with an error reply"),
  PROTOCOL_NO_ANSWER("WE5024", "a peer did not answer in time"),
  PROTOCOL_TRANSPORT("WE5025", "a network socket or HTTP exchange failed"),
  PROTOCOL_HASH_MISMATCH("WE5026", "received module bytes do not have the SHA-256 they should"),
  PROTOCOL_PEER_UNKNOWN("WE5030", "no daemon that answered matches the peer named"),
  PROTOCOL_PEER_AMBIGUOUS("WE5031", "several daemons match the peer named"),
  PROTOCOL_SIGNED_BEFORE_START(
      "WE5040",
      "a network message was signed before this daemon could remember it (it restarted since): sign it afresh"),
  PROTOCOL_WRONG_NODE(
      "WE5041", "a peer answered signed by a key other than the node asked for or pinned"),
  FANOUT_INCOMPLETE(
      "WE5070", "a run on several daemons did not complete on every daemon it was meant for"),
  PROTOCOL_INTERNAL(
      "WE5050", "the daemon failed while handling a request; it counted the failure and goes on"),
  PROTOCOL_BODY_BUDGET(
      "WE5051",
      "unverified request bodies fill their memory budget, or one source sends too many large ones; retry later"),
  PROTOCOL_GROUP_BUSY(
      "WE5052",
      "the requester's Signature Group holds its fair share of the daemon's request slots"),
  PROTOCOL_SOURCE_RATE("WE5053", "too many requests from one source address"),
  PROTOCOL_UNVERIFIED_RATE(
      "WE5054",
      "one source address sends large bodies naming keys in no Signature Group faster than http.unverified.stranger-rate; retry later"),
  PROTOCOL_DESCRIBE_RATE(
      "WE5055",
      "one source address asks describe for keys in no Signature Group faster than network.describe-rate; retry later"),
  PROTOCOL_KEY_REUSED("WE5060", "a request key came again with a request of different content"),
  PROTOCOL_RESULT_NOT_KEPT(
      "WE5061", "a request with this key already ran, but its result is no longer kept"),
  PROTOCOL_KEYS_FULL(
      "WE5062", "too many keyed requests are running to remember another; retry later"),
  SESSION_UNKNOWN(
      "WE5080",
      "a sealed message names a session this node does not hold (never opened, forgotten, or from before a restart): open a new one"),
  SESSION_BAD_MAC(
      "WE5081",
      "a sealed message does not authenticate in its session (wrong key, altered, or sent the other way)"),
  SESSION_REPLAYED(
      "WE5082", "a sealed message's counter was accepted before or is older than the window"),
  SESSION_EXPIRED("WE5083", "a sealed message names a session past its lifetime: open a new one"),
  SESSION_NOT_ALLOWED(
      "WE5084",
      "a session may not carry a message of this type (discover, control, announce...): sign it"),

  SERVICE_UNKNOWN("WE6001", "no service of the name asked for is declared on this host"),
  SERVICE_NOT_RUNNING(
      "WE6002", "the service is stopped, restarting with no instance free, or failed"),
  SERVICE_NOT_CALLABLE("WE6003", "the function is not one of the service's callable exports"),
  SERVICE_CALLER_REFUSED("WE6004", "none of the requester's Signature Groups may call the service"),
  SERVICE_BUSY(
      "WE6005", "every instance of the service stayed busy for as long as a call may wait"),
  SERVICE_CHAIN_TOO_DEEP(
      "WE6006", "a chain of service calls crossed more hosts than calls.max-depth allows"),
  SERVICE_NOT_FOUND(
      "WE6020",
      "no daemon found on the network runs the imported service with compatible functions"),

  STORE_INVALID_MODULE(
      "WE7001", "a module offered to the library store cannot be read as WebAssembly"),
  STORE_TOO_LARGE("WE7002", "a module is larger than the library store accepts"),
  STORE_CORRUPT("WE7003", "a stored module no longer matches its hash and was set aside"),
  STORE_NOT_FOUND("WE7004", "no library matches the name or hash asked for"),
  STORE_AMBIGUOUS("WE7005", "several libraries match the name or hash prefix asked for"),
  STORE_BUILTIN_MISSING(
      "WE7010", "a built-in library is missing from or unreadable in this build of the daemon"),
  STORE_BUILTIN_FIXED(
      "WE7011", "a built-in library cannot be removed, only turned off or replaced"),

  JOURNAL_IO("WE8001", "the event journal cannot be written or read"),
  JOURNAL_BEHIND(
      "WE8002", "a subscriber fell behind the event stream and must resume from the journal"),
  JOURNAL_UNAVAILABLE(
      "WE8010",
      "the event journal cannot be written now; work that must be billed is refused until it recovers"),
  JOURNAL_FULL(
      "WE8011",
      "the event journal reached events.journal.max-total-size with events still within retention"),

  CONTROL_BAD_REQUEST("WE9001", "a control action lacks an argument or has one that is not valid"),
  CONTROL_NOT_PERSISTENT(
      "WE9002", "the daemon runs on the embedded sample configuration: nothing to change on disk"),
  CONTROL_PEER_REFUSED("WE9003", "the control socket refused the connecting user"),
  CONTROL_UNREACHABLE("WE9004", "no daemon answers on the control socket"),
  CONTROL_DRAINING(
      "WE9005", "the daemon is draining: it finishes work in flight and accepts no new"),
  CONTROL_SOCKET_UNSAFE(
      "WE9010",
      "the control socket's path holds something other than a stale socket, or lies in a directory others can write"),
  CONTROL_NEEDS_ROOT(
      "WE9011", "a key naming a path the daemon writes can be changed only by local root");

  private final String code;
  private final String summary;

  ErrorCode(String code, String summary) {
    this.code = code;
    this.summary = summary;
  }

  /** The stable identifier, e.g. {@code WE2002}. */
  public String code() {
    return code;
  }

  /** One line saying what this kind of failure means, for documentation and {@code --help}. */
  public String summary() {
    return summary;
  }
}
