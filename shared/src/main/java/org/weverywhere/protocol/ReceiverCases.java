package org.weverywhere.protocol;

import static org.weverywhere.protocol.CaseBytes.indexOf;
import static org.weverywhere.protocol.CaseBytes.payload;
import static org.weverywhere.protocol.CaseBytes.sign;
import static org.weverywhere.protocol.CaseBytes.signPayload;
import static org.weverywhere.protocol.CaseBytes.splice;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import org.weverywhere.protocol.Message.Call;
import org.weverywhere.protocol.Message.Execute;
import org.weverywhere.protocol.Message.LibraryTarget;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Fingerprint;

/**
 * One message per rule a receiver enforces (docs/PROTOCOL.md §9), each wrong in exactly the way its
 * rule is about and right in every other. Built from keys, a time and an id source, so the same
 * cases make the fixed test vectors (published RFC 8032 keys, fixed ids and clock) and a live
 * conformance run against a daemon (a throwaway key, fresh ids, now).
 */
public final class ReceiverCases {
  private static final HexFormat HEX = HexFormat.of();

  /** What a receiver does with a case's message. */
  public sealed interface Expect {
    /** It passes every check; a daemon answers it (any reply, {@code re} = its id). */
    record Valid(String type) implements Expect {}

    /** The verifier refuses it: over UDP no answer, over HTTP a {@code 400} naming the code. */
    record Rejected(Reason reason) implements Expect {}

    /** It is verified, then refused by authorisation or by the daemon: a signed {@code error}. */
    record Refused(String code) implements Expect {}
  }

  /** Where a live daemon can be asked the case: the rule may hold on one transport only. */
  public enum Live {
    /** Over UDP and HTTP alike. */
    BOTH,
    /** Only as a datagram (it is about UDP's limits). */
    UDP,
    /** Only over HTTP (too large for a datagram). */
    HTTP,
    /**
     * Not against a live daemon: a client's rule, or one that needs the receiver's own settings.
     */
    NONE
  }

  /**
   * One case.
   *
   * @param transport the limits it is checked under: udp or http
   * @param atNode received by the node (true) or by a client that has no node id (false)
   * @param before messages the receiver accepted first
   * @param replayCapacity the receiver's replay-cache capacity when the case depends on it
   * @param privileges when present, authorisation runs too: every key is in anonymous, which has
   *     these
   */
  public record Case(
      String name,
      String description,
      String transport,
      boolean atNode,
      List<byte[]> before,
      byte[] wire,
      Expect expect,
      Live live,
      Optional<Integer> replayCapacity,
      Optional<List<String>> privileges) {
    public Case {
      before = List.copyOf(before);
      Objects.requireNonNull(replayCapacity);
      Objects.requireNonNull(privileges);
    }

    Case withReplayCapacity(int capacity) {
      return new Case(
          name,
          description,
          transport,
          atNode,
          before,
          wire,
          expect,
          Live.NONE,
          Optional.of(capacity),
          privileges);
    }

    Case authorised(List<String> granted) {
      return new Case(
          name,
          description,
          transport,
          atNode,
          before,
          wire,
          expect,
          live,
          replayCapacity,
          Optional.of(granted));
    }
  }

  private final KeyPair client;
  private final KeyPair node;
  private final Fingerprint nodeId;
  private final Instant signedAt;
  private final Instant now;
  private final IntFunction<MessageId> ids;

  /**
   * @param client signs the requests
   * @param node signs the replies a client checks; may be null for a live run (node cases are
   *     skipped)
   * @param nodeId the receiving node's id
   * @param signedAt when the valid messages are signed
   * @param now the receiver's clock (stale cases are signed 31 s away from it)
   * @param ids the message id of number n; distinct numbers must give distinct ids
   */
  public ReceiverCases(
      KeyPair client,
      KeyPair node,
      Fingerprint nodeId,
      Instant signedAt,
      Instant now,
      IntFunction<MessageId> ids) {
    this.client = client;
    this.node = node;
    this.nodeId = nodeId;
    this.signedAt = signedAt;
    this.now = now;
    this.ids = ids;
  }

  /** Every case, in the order of the vectors' generation (older vectors first). */
  public List<Case> all() {
    List<Case> v = new ArrayList<>();
    Header toNode = header(1, Audience.node(nodeId), signedAt).withGroup("friends");
    Message call =
        new Execute(
            new LibraryTarget("math"),
            new Call("add", List.of(WasmValue.i32(2), WasmValue.i32(40))));

    byte[] discover = sign(client, header(2, Audience.ANY, signedAt), new Message.Discover());
    v.add(
        valid(
            "valid-discover",
            "A client's multicast discover: empty body, audience any.",
            discover,
            "udp",
            true));
    byte[] execute = sign(client, toNode, call);
    v.add(
        valid(
            "valid-execute",
            "A typical request (about 270 bytes): call math.add(2, 40), addressed to the node,"
                + " charged to group friends.",
            execute,
            "udp",
            true));
    byte[] serviceCall =
        sign(
            client,
            header(11, Audience.node(nodeId), signedAt),
            new Message.ServiceCall(
                "kv", "put", List.of(new WasmValue("i64", 7), new WasmValue("i64", 700))));
    v.add(
        valid(
            "valid-call",
            "A call of service kv's function put(7, 700), addressed to the node; the service's"
                + " instance keeps the value for later calls.",
            serviceCall,
            "udp",
            true));
    byte[] stringCall =
        sign(
            client,
            header(13, Audience.node(nodeId), signedAt),
            new Message.ServiceCall(
                "text", "concat", List.of(WasmValue.string("Hello, "), WasmValue.string("wörld"))));
    v.add(
        valid(
            "valid-call-string",
            "A call of service text's function concat(\"Hello, \", \"wörld\"): string"
                + " values travel as [\"string\", text] (bytes as [\"bytes\", bytes]); see SERVICES.md.",
            stringCall,
            "udp",
            true));
    if (node != null) {
      Header reply = replyHeader(3, 2);
      byte[] announce =
          sign(
              node,
              reply,
              new Message.Announce("lab-1", 22341, List.of("math", "hello"), List.of()));
      v.add(
          valid(
              "valid-announce",
              "The node's announce answering valid-discover (re = its id), checked by a client"
                  + " (no node id of its own).",
              announce,
              "udp",
              false));
    }

    Header control = header(11, Audience.node(nodeId), signedAt).withGroup("operators");
    v.add(
        valid(
            "valid-control",
            "A remote control request: set a group's quota (needs the control privilege),"
                + " charged to group operators.",
            sign(
                client,
                control,
                new Message.Control("set", Map.of("group.friends.quota.cores", "2"))),
            "udp",
            true));
    if (node != null) {
      Header report = replyHeader(12, 11);
      v.add(
          valid(
              "valid-report",
              "The node's report answering valid-control: the keys it changed and those that"
                  + " wait for a restart.",
              sign(
                  node,
                  report,
                  new Message.Report(
                      "set",
                      Map.of(
                          "changed",
                          List.of("group.friends.quota.cores"),
                          "restart",
                          List.of(),
                          "configuration",
                          "/etc/weverywhere"))),
              "udp",
              false));
    }

    byte[] flipped = execute.clone();
    flipped[flipped.length - 1] ^= 0x01;
    v.add(
        rejected(
            "bad-signature",
            "valid-execute with the last signature bit flipped.",
            flipped,
            "udp",
            Reason.BAD_SIGNATURE,
            List.of()));
    byte[] tampered = execute.clone();
    int at = indexOf(tampered, "add".getBytes(StandardCharsets.US_ASCII));
    tampered[at] = 's';
    tampered[at + 1] = 'u';
    tampered[at + 2] = 'b';
    v.add(
        rejected(
            "bad-signature-payload",
            "valid-execute with the function name changed from add to sub after" + " signing.",
            tampered,
            "udp",
            Reason.BAD_SIGNATURE,
            List.of()));
    v.add(
        rejected(
            "expired",
            "Signed 31 s before the receiver's clock (window ±30 s).",
            sign(client, header(4, Audience.ANY, now.minusSeconds(31)), call),
            "udp",
            Reason.STALE,
            List.of()));
    v.add(
        rejected(
            "future",
            "Signed 31 s after the receiver's clock (window ±30 s).",
            sign(client, header(5, Audience.ANY, now.plusSeconds(31)), call),
            "udp",
            Reason.STALE,
            List.of()));
    v.add(
        rejected(
            "replayed",
            "valid-execute again, after the receiver accepted it once (acceptedBefore).",
            execute,
            "udp",
            Reason.REPLAYED,
            List.of(execute)));
    Fingerprint other = Fingerprint.of(client.getPublic());
    v.add(
        rejected(
            "wrong-audience",
            "Addressed to another node (the client's own fingerprint).",
            sign(client, header(6, Audience.node(other), signedAt), call),
            "udp",
            Reason.WRONG_AUDIENCE,
            List.of()));
    v.add(
        rejected(
            "truncated",
            "valid-execute cut 20 bytes short.",
            Arrays.copyOf(execute, execute.length - 20),
            "udp",
            Reason.TRUNCATED,
            List.of()));
    Message big = new Message.Control("publish", Map.of("note", "x".repeat(1000)));
    byte[] oversized = sign(client, header(7, Audience.ANY, signedAt), big);
    v.add(
        live(
            rejected(
                "oversized",
                "A correctly signed control message of "
                    + oversized.length
                    + " bytes sent as a"
                    + " datagram: over the 1200-byte UDP limit.",
                oversized,
                "udp",
                Reason.OVERSIZED,
                List.of()),
            Live.UDP));
    v.add(
        live(
            valid(
                "valid-oversized-over-http",
                "The same bytes as oversized, received on the HTTP bulk channel,"
                    + " where they are fine.",
                oversized,
                "http",
                true),
            Live.HTTP));
    var work =
        new org.weverywhere.files.Preopen(
            "work",
            new org.weverywhere.files.DirTree(
                List.of(
                    new org.weverywhere.files.TreeEntry.Directory(
                        "src", 1_767_225_000_000_000_000L),
                    new org.weverywhere.files.TreeEntry.File(
                        "src/in.txt",
                        "hello\n".getBytes(StandardCharsets.UTF_8),
                        1_767_225_000_000_000_000L),
                    new org.weverywhere.files.TreeEntry.Symlink(
                        "latest", "src/in.txt", 1_767_225_000_000_000_000L))));
    byte[] withDirs =
        sign(
            client,
            header(14, Audience.node(nodeId), signedAt),
            new Execute(
                new LibraryTarget("files"),
                new Message.Command(
                    List.of("files", "upper", "work/src"), Map.of(), new byte[0], List.of(work))));
    // not live: a daemon need not offer the library files
    v.add(
        live(
            valid(
                "valid-execute-dirs",
                "Run library files as a command with a directory tree preopened as work"
                    + " (a directory, a file, a symbolic link); trees travel on the HTTP bulk channel.",
                withDirs,
                "http",
                true),
            Live.NONE));
    if (node != null) {
      var changed =
          new org.weverywhere.files.Preopen(
              "work",
              new org.weverywhere.files.DirTree(
                  List.of(
                      new org.weverywhere.files.TreeEntry.Symlink(
                          "latest", "src/in.txt", 1_767_225_000_000_000_000L),
                      new org.weverywhere.files.TreeEntry.Directory(
                          "src", 1_767_225_598_000_000_000L),
                      new org.weverywhere.files.TreeEntry.File(
                          "src/in.txt",
                          "hello\n".getBytes(StandardCharsets.UTF_8),
                          1_767_225_000_000_000_000L),
                      new org.weverywhere.files.TreeEntry.File(
                          "src/out.txt",
                          "HELLO\n".getBytes(StandardCharsets.UTF_8),
                          1_767_225_598_000_000_000L))));
      Header resultHeader = replyHeader(15, 14);
      byte[] withTrees =
          sign(
              node,
              resultHeader,
              new Message.Result(
                  "completed",
                  0,
                  "upper: 6 bytes\n".getBytes(StandardCharsets.UTF_8),
                  new byte[0],
                  List.of(),
                  1_200_000,
                  2_000_000,
                  131_072,
                  List.of(changed)));
      v.add(
          valid(
              "valid-result-trees",
              "The node's result answering valid-execute-dirs: the tree as the guest left"
                  + " it (every entry, the new file included) comes back in trees.",
              withTrees,
              "http",
              false));
    }
    v.add(
        rejected(
            "unknown-algorithm",
            "Protected header says alg -7 (ES256).",
            withProtectedHeader(execute, HEX.parseHex("a10126")),
            "udp",
            Reason.UNKNOWN_ALGORITHM,
            List.of()));
    byte[] untagged = Arrays.copyOfRange(execute, 1, execute.length);
    v.add(
        rejected(
            "untagged",
            "valid-execute without its COSE_Sign1 tag 18.",
            untagged,
            "udp",
            Reason.MALFORMED,
            List.of()));
    Map<String, Object> deep = payload(header(8, Audience.ANY, signedAt), new Message.Discover());
    deep.put("body", Map.of("x", nested(9)));
    v.add(
        rejected(
            "too-deep",
            "A signed discover whose body nests arrays 10 deep (limit: 8 levels).",
            signPayload(client, deep),
            "udp",
            Reason.LIMIT,
            List.of()));
    Map<String, Object> v2 = payload(header(9, Audience.ANY, signedAt), new Message.Discover());
    v2.put("v", 2L);
    v.add(
        rejected(
            "unsupported-version",
            "A signed discover of protocol version 2.",
            signPayload(client, v2),
            "udp",
            Reason.UNSUPPORTED_VERSION,
            List.of()));
    Map<String, Object> unknown =
        payload(header(10, Audience.ANY, signedAt), new Message.Discover());
    unknown.put("t", "teleport");
    v.add(
        rejected(
            "unknown-type",
            "A signed message of type teleport.",
            signPayload(client, unknown),
            "udp",
            Reason.UNKNOWN_TYPE,
            List.of()));

    // paged describe: the second page asked for (cursor = the first page's next), padded to 400
    // bytes
    String cursor = "3a".repeat(32);
    byte[] page =
        sign(
            client,
            header(11, Audience.node(nodeId), signedAt),
            new Message.Describe(List.of("libraries"), Optional.of(cursor), 100));
    v.add(
        valid(
            "valid-describe-page",
            "The describe of a second page: cursor = the next of the first, and 100"
                + " bytes of pad, so that at "
                + page.length
                + " bytes it may get a whole datagram back (3x, at most 1200).",
            page,
            "udp",
            true));
    if (node != null) {
      Header pageReply = replyHeader(12, 11);
      byte[] description =
          sign(
              node,
              pageReply,
              new Message.Description(
                  Map.of(),
                  List.of(
                      new Message.Library(
                          "math",
                          "1.0.0",
                          HEX.parseHex("4b".repeat(32)),
                          1234,
                          List.of("add (i32, i32) -> i32"))),
                  List.of(),
                  Optional.of("4b".repeat(32))));
      v.add(
          valid(
              "valid-description-page",
              "The node's page answering valid-describe-page: one library, and next ="
                  + " its hash, where the page after starts.",
              description,
              "udp",
              false));
    }
    Map<String, Object> badPad =
        payload(header(13, Audience.node(nodeId), signedAt), new Message.Describe(List.of()));
    badPad.put("body", Map.of("what", List.of(), "pad", "not bytes"));
    v.add(
        rejected(
            "describe-pad-not-bytes",
            "A describe whose pad is text: pad must be a byte string.",
            signPayload(client, badPad),
            "udp",
            Reason.MALFORMED,
            List.of()));

    v.addAll(issue18());
    v.addAll(requestKeys(call));
    return v;
  }

  /** Request keys (PROTOCOL.md §4b): the same rk on every attempt, a fresh id each time. */
  private List<Case> requestKeys(Message call) {
    List<Case> v = new ArrayList<>();
    RequestKey key = new RequestKey(0x7265717565737421L, 0x6b65792d31323334L);
    Message keyedCall = ((Execute) call).withKey(key);
    byte[] keyedFirst =
        sign(client, header(70, Audience.node(nodeId), signedAt).withGroup("friends"), keyedCall);
    v.add(
        valid(
            "valid-execute-keyed",
            "valid-execute with request key rk: the first attempt. expect.requestKey is"
                + " the key, expect.contentHash what a daemon compares a retry with (SHA-256 of {\"t\", \"body\" without"
                + " rk}).",
            keyedFirst,
            "udp",
            true));
    byte[] keyedRetry =
        sign(
            client,
            header(71, Audience.node(nodeId), signedAt.plusSeconds(1)).withGroup("friends"),
            keyedCall);
    Case retry =
        valid(
            "valid-execute-keyed-retry",
            "The retry of valid-execute-keyed after its reply was lost: a"
                + " fresh id and timestamp (so not a replay), the same rk and content: a daemon answers it with the first"
                + " attempt's result and does not run it again.",
            keyedRetry,
            "udp",
            true);
    // not live: what it shows (the answer comes from the first attempt) needs the first to have run
    // there
    v.add(
        new Case(
            retry.name(),
            retry.description(),
            retry.transport(),
            true,
            List.of(keyedFirst),
            keyedRetry,
            retry.expect(),
            Live.NONE,
            Optional.empty(),
            Optional.empty()));
    byte[] keyedService =
        sign(
            client,
            header(72, Audience.node(nodeId), signedAt),
            new Message.ServiceCall(
                    "kv", "put", List.of(new WasmValue("i64", 7), new WasmValue("i64", 700)))
                .withKey(new RequestKey(0x7265717565737421L, 0x6b65792d35363738L)));
    v.add(
        valid(
            "valid-call-keyed",
            "valid-call with request key rk: a kv.put that must not be applied twice.",
            keyedService,
            "udp",
            true));
    Map<String, Object> shortKey = payload(header(73, Audience.node(nodeId), signedAt), call);
    @SuppressWarnings("unchecked")
    Map<String, Object> shortBody =
        new java.util.LinkedHashMap<>((Map<String, Object>) shortKey.get("body"));
    shortBody.put("rk", HEX.parseHex("0102030405060708090a0b0c0d0e0f"));
    shortKey.put("body", shortBody);
    v.add(
        rejected(
            "execute-key-too-short",
            "An execute whose rk has 15 bytes: a request key has exactly 16.",
            signPayload(client, shortKey),
            "udp",
            Reason.MALFORMED,
            List.of()));
    Map<String, Object> zeroKey = payload(header(74, Audience.node(nodeId), signedAt), call);
    @SuppressWarnings("unchecked")
    Map<String, Object> zeroBody =
        new java.util.LinkedHashMap<>((Map<String, Object>) zeroKey.get("body"));
    zeroBody.put("rk", new byte[16]);
    zeroKey.put("body", zeroBody);
    v.add(
        rejected(
            "execute-key-zero",
            "An execute whose rk is 16 zero bytes: the all-zero key is reserved.",
            signPayload(client, zeroKey),
            "udp",
            Reason.MALFORMED,
            List.of()));
    return v;
  }

  /** The rules the first vectors left implicit (issue 18): one case per check and precedence. */
  private List<Case> issue18() {
    List<Case> v = new ArrayList<>();
    Message discover = new Message.Discover();
    Audience toNode = Audience.node(nodeId);
    Message call =
        new Execute(
            new LibraryTarget("math"),
            new Call("add", List.of(WasmValue.i32(2), WasmValue.i32(40))));

    // ---- step 2: the envelope's profile ----
    byte[] plain = sign(client, header(20, Audience.ANY, signedAt), discover);
    byte[] trailing = Arrays.copyOf(plain, plain.length + 1);
    v.add(
        rejected(
            "trailing-bytes",
            "valid-discover-like message followed by one extra byte (00).",
            trailing,
            "udp",
            Reason.MALFORMED,
            List.of()));
    byte[] unprotected = envelope(plain, HEX.parseHex("a10442abcd"));
    v.add(
        rejected(
            "unprotected-not-empty",
            "A signed discover whose unprotected header is {4: h'abcd'}: it must be"
                + " the empty map.",
            unprotected,
            "udp",
            Reason.MALFORMED,
            List.of()));
    byte[] kidless =
        withProtectedHeader(
            sign(client, header(21, Audience.ANY, signedAt), discover), HEX.parseHex("a10127"));
    v.add(
        rejected(
            "header-not-exact",
            "Protected header {1: -8} without kid: alg is EdDSA, so the form is wrong"
                + " (WE5001, not WE5005).",
            kidless,
            "udp",
            Reason.MALFORMED,
            List.of()));
    byte[] wrongAlgNoKid =
        withProtectedHeader(
            sign(client, header(22, Audience.ANY, signedAt), discover),
            HEX.parseHex("a20126036161"));
    v.add(
        rejected(
            "unknown-algorithm-before-form",
            "Protected header {1: -7, 3: \"a\"}: both a foreign algorithm and"
                + " a wrong form; the algorithm check (WE5005) comes first.",
            wrongAlgNoKid,
            "udp",
            Reason.UNKNOWN_ALGORITHM,
            List.of()));

    // ---- step 4 before step 5 and 6: the signature is checked before anything in the payload ----
    byte[] staleAndBad = sign(client, header(23, Audience.ANY, now.minusSeconds(31)), discover);
    staleAndBad[staleAndBad.length - 1] ^= 0x01;
    v.add(
        rejected(
            "bad-signature-before-stale",
            "Signed 31 s too early and with a flipped signature bit: the"
                + " signature check (WE5006) comes before the time check.",
            staleAndBad,
            "udp",
            Reason.BAD_SIGNATURE,
            List.of()));

    // ---- step 5: payload data model and limits ----
    byte[] payloadCut =
        Arrays.copyOf(
            MessageCodec.encode(header(24, Audience.ANY, signedAt), discover),
            MessageCodec.encode(header(24, Audience.ANY, signedAt), discover).length - 3);
    v.add(
        rejected(
            "payload-truncated",
            "A correctly signed envelope whose payload bytes end 3 bytes before the"
                + " payload map does.",
            Sign1.sign(payloadCut, client.getPrivate(), client.getPublic()),
            "udp",
            Reason.TRUNCATED,
            List.of()));
    Map<String, Object> deepCut = payload(header(25, Audience.ANY, signedAt), discover);
    deepCut.put("body", Map.of("x", nested(9)));
    byte[] deepCutBytes = Cbor.encode(deepCut);
    v.add(
        rejected(
            "truncated-before-limit",
            "A payload that nests 10 deep and is also cut short: truncation"
                + " (WE5002) is found by the head walk before the limits are checked.",
            Sign1.sign(
                Arrays.copyOf(deepCutBytes, deepCutBytes.length - 1),
                client.getPrivate(),
                client.getPublic()),
            "udp",
            Reason.TRUNCATED,
            List.of()));
    // bytes no CBOR encoder of ours writes, spliced into a discover's body: into the value of its
    // key "x", or (asKey) as the key itself; ids 26 to 31 in order
    record Spliced(String name, String description, boolean asKey, String hex, Reason reason) {}
    List<Spliced> spliced =
        List.of(
            new Spliced(
                "payload-float",
                "A discover whose body holds a float (1.5): floats are not used.",
                false,
                "f93e00",
                Reason.MALFORMED),
            new Spliced(
                "payload-tag",
                "A discover whose body holds a tagged value 1(0): no tags inside a payload.",
                false,
                "c100",
                Reason.MALFORMED),
            new Spliced(
                "payload-undefined",
                "A discover whose body holds undefined (f7): only false, true and null.",
                false,
                "f7",
                Reason.MALFORMED),
            new Spliced(
                "payload-integer-key",
                "A discover whose body map has the integer key 1: map keys are text.",
                true,
                "01",
                Reason.MALFORMED),
            new Spliced(
                "payload-bad-utf8",
                "A discover whose body holds a text string with the bytes ff fe: not UTF-8.",
                false,
                "62fffe",
                Reason.MALFORMED),
            new Spliced(
                "integer-beyond-64-bits",
                "A discover whose body holds 2^64 - 1: integers must fit a signed 64-bit"
                    + " integer.",
                false,
                "1bffffffffffffffff",
                Reason.LIMIT));
    for (int k = 0; k < spliced.size(); k++) {
      Spliced row = spliced.get(k);
      Header rowHeader = header(26 + k, Audience.ANY, signedAt);
      v.add(
          rejected(
              row.name(),
              row.description(),
              row.asKey()
                  ? rawKey(rowHeader, discover, row.hex())
                  : raw(rowHeader, discover, "x", row.hex()),
              "udp",
              row.reason(),
              List.of()));
    }
    Map<String, Object> wide = payload(header(32, Audience.ANY, signedAt), discover);
    wide.put("body", Map.of("x", java.util.Collections.nCopies(257, 0L)));
    v.add(
        live(
            rejected(
                "too-many-items",
                "A discover whose body holds an array of 257 items (UDP limit: 256).",
                signPayload(client, wide),
                "udp",
                Reason.LIMIT,
                List.of()),
            Live.UDP));
    Map<String, Object> longText = payload(header(33, Audience.ANY, signedAt), discover);
    longText.put("body", Map.of("x", "x".repeat(65_537)));
    v.add(
        live(
            rejected(
                "text-too-long",
                "A discover over HTTP whose body holds a text string of 65,537 bytes (HTTP"
                    + " limit: 65,536).",
                signPayload(client, longText),
                "http",
                Reason.LIMIT,
                List.of()),
            Live.HTTP));
    v.add(
        valid(
            "valid-non-deterministic",
            "A discover whose payload uses a non-shortest integer head for v"
                + " (18 01) and unsorted keys: receivers verify the bytes as received and accept it.",
            nonDeterministic(header(34, Audience.ANY, signedAt)),
            "udp",
            true));

    // ---- step 5: header fields, in order ----
    // each a discover (ids 35 to 43 in order) with one header field edited after encoding
    record Edited(
        String name,
        String description,
        Audience audience,
        java.util.function.Consumer<Map<String, Object>> edit,
        Reason reason) {}
    List<Edited> edited =
        List.of(
            new Edited(
                "missing-version",
                "A signed discover without v: WE5001 (not WE5010: there is no version to"
                    + " refuse).",
                Audience.ANY,
                p -> p.remove("v"),
                Reason.MALFORMED),
            new Edited(
                "version-not-integer",
                "A signed discover whose v is the text \"1\".",
                Audience.ANY,
                p -> p.put("v", "1"),
                Reason.MALFORMED),
            new Edited(
                "version-before-type",
                "Version 2, an unknown type and a 3-byte id: the version (WE5010) is"
                    + " checked first, since another version may lay out the rest differently.",
                Audience.ANY,
                p -> {
                  p.put("v", 2L);
                  p.put("t", "teleport");
                  p.put("id", new byte[3]);
                },
                Reason.UNSUPPORTED_VERSION),
            new Edited(
                "type-before-header",
                "An unknown type and an all-zero id: the type (WE5011) is checked before"
                    + " the other header fields.",
                Audience.ANY,
                p -> {
                  p.put("t", "teleport");
                  p.put("id", new byte[16]);
                },
                Reason.UNKNOWN_TYPE),
            new Edited(
                "zero-id",
                "A discover whose id is all zeros (reserved).",
                Audience.ANY,
                p -> p.put("id", new byte[16]),
                Reason.MALFORMED),
            new Edited(
                "zero-re",
                "A message whose re is all zeros.",
                toNode,
                p -> p.put("re", new byte[16]),
                Reason.MALFORMED),
            new Edited(
                "audience-malformed",
                "A discover whose aud is 31 bytes: \"any\" or a 32-byte node id.",
                Audience.ANY,
                p -> p.put("aud", new byte[31]),
                Reason.MALFORMED),
            new Edited(
                "group-name-malformed",
                "A discover charged to the group \"no spaces\": not a group name.",
                Audience.ANY,
                p -> p.put("grp", "no spaces"),
                Reason.MALFORMED),
            new Edited(
                "missing-body",
                "A discover without body.",
                Audience.ANY,
                p -> p.remove("body"),
                Reason.MALFORMED));
    for (int k = 0; k < edited.size(); k++) {
      Edited row = edited.get(k);
      Map<String, Object> fields = payload(header(35 + k, row.audience(), signedAt), discover);
      row.edit().accept(fields);
      v.add(
          rejected(
              row.name(),
              row.description(),
              signPayload(client, fields),
              "udp",
              row.reason(),
              List.of()));
    }
    Map<String, Object> extraTop = payload(header(44, Audience.ANY, signedAt), discover);
    extraTop.put("later", "a key of a later revision");
    extraTop.put("body", Map.of("later", 1L));
    v.add(
        valid(
            "valid-unknown-keys",
            "A discover with an unknown top-level key and an unknown body key: receivers"
                + " ignore both.",
            signPayload(client, extraTop),
            "udp",
            true));

    // ---- step 5: bodies ----
    Map<String, Object> zeroChain =
        payload(
            header(45, toNode, signedAt),
            new Message.ServiceCall("kv", "get", List.of(new WasmValue("i64", 7))));
    @SuppressWarnings("unchecked")
    Map<String, Object> chainBody =
        new LinkedHashMap<>((Map<String, Object>) zeroChain.get("body"));
    chainBody.put("chain", List.of(ids.apply(46).bytes(), new byte[16]));
    zeroChain.put("body", chainBody);
    v.add(
        rejected(
            "zero-id-in-chain",
            "A forwarded call whose chain holds an all-zero id.",
            signPayload(client, zeroChain),
            "udp",
            Reason.MALFORMED,
            List.of()));
    Message values =
        new Execute(
            new LibraryTarget("math"),
            new Call(
                "mix",
                List.of(
                    WasmValue.i32(-5),
                    new WasmValue("f32", 3225419776L),
                    new WasmValue("i64", -1),
                    WasmValue.f64(-2.5))));
    v.add(
        valid(
            "valid-call-values",
            "An execute calling mix(i32 -5, f32 -3.0, i64 -1, f64 -2.5): i32 and i64 travel"
                + " signed, f32 bits as an unsigned 32-bit integer (3225419776), f64 bits as a signed 64-bit integer"
                + " (-4610560118520545280).",
            sign(client, header(47, toNode, signedAt), values),
            "udp",
            true));
    Message command =
        new Execute(
            new LibraryTarget("hello"),
            new Message.Command(
                List.of("hello", "--name", "wörld"),
                Map.of("LANG", "C.UTF-8"),
                "input".getBytes(StandardCharsets.UTF_8)));
    v.add(
        valid(
            "valid-execute-command",
            "An execute running hello's _start with argv [\"hello\", \"--name\", \"wörld\"]"
                + " (args[0] is the program's name), one environment variable and 5 bytes of stdin.",
            sign(client, header(48, toNode, signedAt), command),
            "udp",
            true));
    Map<String, Object> bothTargets = payload(header(49, toNode, signedAt), call);
    @SuppressWarnings("unchecked")
    Map<String, Object> executeBody =
        new LinkedHashMap<>((Map<String, Object>) bothTargets.get("body"));
    executeBody.put("target", Map.of("library", "math", "module", new byte[] {0, 'a', 's', 'm'}));
    bothTargets.put("body", executeBody);
    v.add(
        rejected(
            "target-both",
            "An execute whose target names both a library and a module: exactly one.",
            signPayload(client, bothTargets),
            "udp",
            Reason.MALFORMED,
            List.of()));
    Map<String, Object> badValue = payload(header(50, toNode, signedAt), call);
    @SuppressWarnings("unchecked")
    Map<String, Object> badValueBody =
        new LinkedHashMap<>((Map<String, Object>) badValue.get("body"));
    badValueBody.put("run", Map.of("function", "add", "args", List.of(List.of("i32", "2"))));
    badValue.put("body", badValueBody);
    Map<String, Object> wideValue = payload(header(62, toNode, signedAt), call);
    @SuppressWarnings("unchecked")
    Map<String, Object> wideValueBody =
        new LinkedHashMap<>((Map<String, Object>) wideValue.get("body"));
    wideValueBody.put(
        "run",
        Map.of("function", "add", "args", List.of(List.of("i32", 1L << 32), List.of("i32", 0L))));
    wideValue.put("body", wideValueBody);
    v.add(
        rejected(
            "value-out-of-range",
            "An execute whose i32 argument is 2^32: 32-bit values are -2^31 to 2^32-1.",
            signPayload(client, wideValue),
            "udp",
            Reason.MALFORMED,
            List.of()));
    v.add(
        rejected(
            "value-not-integer",
            "An execute whose argument is [\"i32\", \"2\"]: a number's value is an" + " integer.",
            signPayload(client, badValue),
            "udp",
            Reason.MALFORMED,
            List.of()));

    if (node != null) {
      Header reply = replyHeader(51, 2);
      byte[] announce =
          sign(
              node,
              reply,
              new Message.Announce(
                  "lab-1",
                  22341,
                  List.of("math"),
                  List.of(),
                  List.of("paged-describe", "typed-exports")));
      v.add(
          valid(
              "valid-announce-features",
              "An announce naming the optional features its daemon implements" + " (§8).",
              announce,
              "udp",
              false));
      Header described = replyHeader(52, 11);
      byte[] typed =
          sign(
              node,
              described,
              new Message.Description(
                  Map.of(),
                  List.of(
                      new Message.Library(
                          "text",
                          "1.0.0",
                          HEX.parseHex("5c".repeat(32)),
                          2048,
                          List.of("add (i32, i32) -> i32", "concat (string, string) -> string"),
                          List.of(
                              new Message.Function(
                                  "add", List.of("i32", "i32"), List.of("i32"), List.of()),
                              new Message.Function(
                                  "concat",
                                  List.of("string", "string"),
                                  List.of("string"),
                                  List.of("left", "right"))))),
                  List.of(),
                  Optional.empty()));
      v.add(
          valid(
              "valid-description-functions",
              "A description whose library lists its functions as data (names,"
                  + " parameter and result types, parameter names where known) beside the old text exports.",
              typed,
              "udp",
              false));
    }

    // ---- steps 6 to 8 and their order ----
    byte[] staleElsewhere =
        sign(
            client,
            header(53, Audience.node(Fingerprint.of(client.getPublic())), now.minusSeconds(31)),
            discover);
    v.add(
        rejected(
            "stale-before-audience",
            "Signed 31 s too early and addressed to another node: the time check"
                + " (WE5007) comes before the audience check.",
            staleElsewhere,
            "udp",
            Reason.STALE,
            List.of()));
    byte[] forNode = sign(client, header(54, toNode, signedAt), discover);
    v.add(
        live(
            new Case(
                "client-refuses-node-audience",
                "A client (no node id) receives a message addressed to a"
                    + " node: it accepts only \"any\".",
                "udp",
                false,
                List.of(),
                forNode,
                new Expect.Rejected(Reason.WRONG_AUDIENCE),
                Live.NONE,
                Optional.empty(),
                Optional.empty()),
            Live.NONE));
    byte[] replayElsewhere = sign(client, header(55, Audience.ANY, signedAt), discover);
    byte[] sameIdOtherBody =
        sign(
            client,
            header(55, Audience.ANY, signedAt.plusMillis(1)),
            new Message.Describe(List.of()));
    v.add(
        rejected(
            "replayed-id",
            "A different message that reuses the id of one accepted before: the replay cache"
                + " is keyed by id alone.",
            sameIdOtherBody,
            "udp",
            Reason.REPLAYED,
            List.of(replayElsewhere)));
    // three messages stamped in one period of a cache of 8: the third finds its period full
    List<byte[]> filling =
        List.of(
            sign(client, header(56, Audience.ANY, signedAt), discover),
            sign(client, header(57, Audience.ANY, signedAt), discover));
    v.add(
        rejected(
                "replay-cache-full",
                "A receiver whose replay cache holds 8 ids (2 per period) has accepted two"
                    + " messages stamped in this period: a third is refused as busy, not forgotten.",
                sign(client, header(58, Audience.ANY, signedAt), discover),
                "udp",
                Reason.BUSY,
                filling)
            .withReplayCapacity(8));

    // ---- after verification: authorisation (§6), answered with a signed error ----
    v.add(
        new Case(
            "not-permitted",
            "A control status request from a key in no group (anonymous, which has no"
                + " control privilege): a signed error WE5020.",
            "udp",
            true,
            List.of(),
            sign(client, header(59, toNode, signedAt), new Message.Control("status", Map.of())),
            new Expect.Refused(Reason.NOT_PERMITTED.code().code()),
            Live.BOTH,
            Optional.empty(),
            Optional.of(List.of())));
    v.add(
        new Case(
            "not-member",
            "A discover charged to group friends by a key that is not in it: a signed error"
                + " WE5021.",
            "udp",
            true,
            List.of(),
            sign(client, header(60, Audience.ANY, signedAt).withGroup("friends"), discover),
            new Expect.Refused(Reason.NOT_MEMBER.code().code()),
            Live.BOTH,
            Optional.empty(),
            Optional.of(List.of())));
    v.add(
        new Case(
            "unknown-control-action",
            "A control request with the action teleport from a key whose groups"
                + " have the control privilege: verified and authorised, then answered with a signed error WE5013.",
            "udp",
            true,
            List.of(),
            sign(client, header(61, toNode, signedAt), new Message.Control("teleport", Map.of())),
            new Expect.Refused("WE5013"),
            Live.NONE,
            Optional.empty(),
            Optional.of(List.of("control"))));
    return v;
  }

  private static Object nested(int levels) {
    Object nested = List.of();
    for (int i = 0; i < levels; i++) {
      nested = List.of(nested);
    }
    return nested;
  }

  private Case valid(
      String name, String description, byte[] wire, String transport, boolean atNode) {
    Sign1.Parts parts = Sign1.open(wire, wire.length, WireLimits.HTTP);
    String type = MessageCodec.decode(parts.payload(), WireLimits.HTTP).message().type();
    return new Case(
        name,
        description,
        transport,
        atNode,
        List.of(),
        wire,
        new Expect.Valid(type),
        atNode ? Live.BOTH : Live.NONE,
        Optional.empty(),
        Optional.empty());
  }

  private static Case rejected(
      String name,
      String description,
      byte[] wire,
      String transport,
      Reason reason,
      List<byte[]> before) {
    return new Case(
        name,
        description,
        transport,
        true,
        before,
        wire,
        new Expect.Rejected(reason),
        Live.BOTH,
        Optional.empty(),
        Optional.empty());
  }

  private static Case live(Case c, Live live) {
    return new Case(
        c.name(),
        c.description(),
        c.transport(),
        c.atNode(),
        c.before(),
        c.wire(),
        c.expect(),
        live,
        c.replayCapacity(),
        c.privileges());
  }

  private static final String MARK = "\u0001mark\u0001";

  /** A signed message whose body holds {@code key} = the raw CBOR item {@code rawHex}. */
  private byte[] raw(Header header, Message message, String key, String rawHex) {
    Map<String, Object> p = payload(header, message);
    p.put("body", Map.of(key, MARK));
    return Sign1.sign(
        splice(Cbor.encode(p), Cbor.encode(MARK), HEX.parseHex(rawHex)),
        client.getPrivate(),
        client.getPublic());
  }

  /** A signed message whose body has one entry with the raw key {@code rawKeyHex} and value 0. */
  private byte[] rawKey(Header header, Message message, String rawKeyHex) {
    Map<String, Object> p = payload(header, message);
    p.put("body", Map.of(MARK, 0L));
    return Sign1.sign(
        splice(Cbor.encode(p), Cbor.encode(MARK), HEX.parseHex(rawKeyHex)),
        client.getPrivate(),
        client.getPublic());
  }

  /** A discover payload written by hand: keys out of order and v with a two-byte head. */
  private byte[] nonDeterministic(Header header) {
    var out = new ByteArrayOutputStream();
    out.write(0xa6);
    out.writeBytes(Cbor.encode("body"));
    out.writeBytes(Cbor.encode(Map.of()));
    out.writeBytes(Cbor.encode("v"));
    out.writeBytes(HEX.parseHex("1801"));
    out.writeBytes(Cbor.encode("t"));
    out.writeBytes(Cbor.encode("discover"));
    out.writeBytes(Cbor.encode("id"));
    out.writeBytes(Cbor.encode(header.id().bytes()));
    out.writeBytes(Cbor.encode("ts"));
    out.writeBytes(Cbor.encode(header.timestamp().toEpochMilli()));
    out.writeBytes(Cbor.encode("aud"));
    out.writeBytes(Cbor.encode("any"));
    return Sign1.sign(out.toByteArray(), client.getPrivate(), client.getPublic());
  }

  /**
   * {@code wire}'s payload in a fresh envelope with this protected header, signed again by the
   * client.
   */
  private byte[] withProtectedHeader(byte[] wire, byte[] protectedHeader) {
    byte[] payload = payloadOf(wire);
    byte[] signature =
        org.weverywhere.trust.Ed25519.sign(
            client.getPrivate(), Sign1.sigStructure(protectedHeader, payload));
    var out = new ByteArrayOutputStream();
    out.write(0xd2);
    out.write(0x84);
    out.write(0x40 + protectedHeader.length);
    out.writeBytes(protectedHeader);
    out.writeBytes(Cbor.encode(Map.of()));
    out.writeBytes(Cbor.encode(payload));
    out.writeBytes(Cbor.encode(signature));
    return out.toByteArray();
  }

  /**
   * {@code wire} (a valid envelope) with its unprotected header replaced by the raw map {@code
   * unprotected}.
   */
  private static byte[] envelope(byte[] wire, byte[] unprotected) {
    int at = 2 + 2 + 38; // d2 84, 58 26 <38 bytes>
    var out = new ByteArrayOutputStream();
    out.write(wire, 0, at);
    out.writeBytes(unprotected);
    out.write(wire, at + 1, wire.length - at - 1);
    return out.toByteArray();
  }

  /**
   * The payload bytes of an envelope this class made (a short protected header, a payload under 64
   * KiB).
   */
  static byte[] payloadOf(byte[] wire) {
    int headerLength = wire[2] & 0x1f;
    int headerStart = 3;
    if (headerLength == 24) {
      headerLength = wire[3] & 0xff;
      headerStart = 4;
    }
    int at = headerStart + headerLength + 1;
    int head = wire[at] & 0xff;
    int length;
    int start;
    switch (head) {
      case 0x58 -> {
        length = wire[at + 1] & 0xff;
        start = at + 2;
      }
      case 0x59 -> {
        length = ((wire[at + 1] & 0xff) << 8) | (wire[at + 2] & 0xff);
        start = at + 3;
      }
      case 0x5a -> {
        length =
            ((wire[at + 1] & 0xff) << 24)
                | ((wire[at + 2] & 0xff) << 16)
                | ((wire[at + 3] & 0xff) << 8)
                | (wire[at + 4] & 0xff);
        start = at + 5;
      }
      default -> {
        length = head - 0x40;
        start = at + 1;
      }
    }
    if (start + length > wire.length) {
      throw new IllegalArgumentException("payload runs past the end");
    }
    return Arrays.copyOfRange(wire, start, start + length);
  }

  /** How long the stale cases lie outside the default window. */
  public static final Duration STALE_BY = Duration.ofSeconds(31);

  /** The header of the node's reply {@code n} to request {@code re}, signed at the cases' time. */
  private Header replyHeader(int n, int re) {
    return new Header(
        Header.VERSION,
        ids.apply(n),
        signedAt,
        Audience.ANY,
        Optional.of(ids.apply(re)),
        Optional.empty());
  }

  private Header header(int n, Audience audience, Instant at) {
    return new Header(
        Header.VERSION, ids.apply(n), at, audience, Optional.empty(), Optional.empty());
  }
}
