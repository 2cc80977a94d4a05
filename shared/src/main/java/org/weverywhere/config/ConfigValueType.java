package org.weverywhere.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.trust.Privilege;

/**
 * The type of a configuration key: how its text parses (with a message that says what was expected)
 * and how a value is written back so that it parses to the same value again.
 *
 * @param name what the reference documentation calls the type, e.g. {@code size}
 * @param parser text to value; throws {@link InvalidValueException}
 * @param formatter value to its canonical text
 */
public record ConfigValueType<T>(
    String name, Function<String, T> parser, Function<T, String> formatter) {

  private static final Pattern NAME_SYNTAX = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern LIBRARY_SYNTAX = Pattern.compile("[A-Za-z0-9._+@-]{1,129}");
  private static final Pattern UNIX_GROUP_SYNTAX = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  /** Linux limits interface names to 15 bytes (IFNAMSIZ 16 with the terminating NUL). */
  private static final Pattern INTERFACE_SYNTAX = Pattern.compile("[A-Za-z0-9._@:-]{1,15}");

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  public static final ConfigValueType<ByteSize> SIZE =
      new ConfigValueType<>("size", ByteSize::parse, ByteSize::toString);
  public static final ConfigValueType<Rate> RATE =
      new ConfigValueType<>("rate", Rate::parse, Rate::toString);
  public static final ConfigValueType<Cores> CORES =
      new ConfigValueType<>("cores", Cores::parse, Cores::toString);
  public static final ConfigValueType<Duration> DURATION =
      new ConfigValueType<>("duration", DurationFormat::parse, DurationFormat::format);
  public static final ConfigValueType<Boolean> BOOLEAN =
      new ConfigValueType<>("boolean", ConfigValueType::parseBoolean, String::valueOf);
  public static final ConfigValueType<Integer> PORT =
      new ConfigValueType<>(
          "port", text -> parseInt(text, 1, 65_535, "a TCP/UDP port like 22341"), String::valueOf);
  public static final ConfigValueType<Integer> COUNT =
      new ConfigValueType<>(
          "count", text -> parseInt(text, 1, 1 << 30, "a whole number like 64"), String::valueOf);
  public static final ConfigValueType<Integer> TTL =
      new ConfigValueType<>(
          "ttl",
          text -> parseInt(text, 0, 255, "a multicast TTL (hop limit) from 0 to 255"),
          String::valueOf);
  public static final ConfigValueType<Engine> ENGINE =
      enumType("engine", Engine.class, Engine::configName);
  public static final ConfigValueType<Set<Privilege>> PRIVILEGES =
      new ConfigValueType<>(
          "privileges", ConfigValueType::parsePrivileges, ConfigValueType::formatPrivileges);
  public static final ConfigValueType<InterfaceSelection> INTERFACES =
      new ConfigValueType<>(
          "interfaces", ConfigValueType::parseInterfaces, InterfaceSelection::toString);
  public static final ConfigValueType<List<PeerAddress>> PEERS =
      new ConfigValueType<>(
          "host:port list", ConfigValueType::parsePeers, ConfigValueType::formatList);
  public static final ConfigValueType<String> HOST =
      new ConfigValueType<>("host", ConfigValueType::parseHost, Function.identity());

  /** A listening address: a host, or {@code *} for every address. */
  public static final ConfigValueType<String> LISTEN_HOST =
      new ConfigValueType<>(
          "host or *",
          text -> text.strip().equals("*") ? "*" : parseHost(text),
          Function.identity());

  public static final ConfigValueType<InetAddress> IPV4_MULTICAST =
      new ConfigValueType<>(
          "IPv4 multicast address", text -> parseMulticast(text, 4), InetAddress::getHostAddress);
  public static final ConfigValueType<InetAddress> IPV6_MULTICAST =
      new ConfigValueType<>(
          "IPv6 multicast address", text -> parseMulticast(text, 16), ConfigValueType::formatIpv6);
  public static final ConfigValueType<Path> PATH =
      new ConfigValueType<>("absolute path", ConfigValueType::parsePath, Path::toString);
  public static final ConfigValueType<String> NAME =
      new ConfigValueType<>(
          "name",
          text ->
              parseName(text, NAME_SYNTAX, "a name of 1 to 64 letters, digits, '.', '-' or '_'"),
          Function.identity());

  /** A library as the store finds it: name, name@version, or a hash (prefix). */
  public static final ConfigValueType<String> LIBRARY =
      new ConfigValueType<>(
          "library",
          text -> parseName(text, LIBRARY_SYNTAX, "a library name, name@version or hash"),
          Function.identity());

  public static final ConfigValueType<List<String>> NAMES =
      new ConfigValueType<>("name list", ConfigValueType::parseNames, ConfigValueType::formatList);

  /** A key's fingerprint, {@code SHA256:} and 43 base64 characters: a node id. */
  public static final ConfigValueType<org.weverywhere.trust.Fingerprint> FINGERPRINT =
      new ConfigValueType<>(
          "key fingerprint",
          ConfigValueType::parseFingerprint,
          org.weverywhere.trust.Fingerprint::toString);

  public static final ConfigValueType<String> UNIX_GROUP =
      new ConfigValueType<>(
          "Unix group",
          text -> parseName(text, UNIX_GROUP_SYNTAX, "a Unix group name like weverywhere"),
          Function.identity());

  public ConfigValueType {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(parser, "parser");
    java.util.Objects.requireNonNull(formatter, "formatter");
  }

  /**
   * Parses {@code text}; a failure is an {@link InvalidValueException} that says what was expected.
   */
  public T parse(String text) {
    return parser.apply(text);
  }

  /** The canonical text of a value of this type; {@code value} must be of this type. */
  @SuppressWarnings("unchecked")
  public String format(Object value) {
    return formatter.apply((T) value);
  }

  static <E extends Enum<E>> ConfigValueType<E> enumType(
      String name, Class<E> type, Function<E, String> spelling) {
    return new ConfigValueType<>(
        name,
        text -> {
          for (E constant : type.getEnumConstants()) {
            if (spelling.apply(constant).equals(text.strip())) {
              return constant;
            }
          }
          throw InvalidValueException.expected(choices(type, spelling), text);
        },
        spelling);
  }

  private static <E extends Enum<E>> String choices(Class<E> type, Function<E, String> spelling) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(spelling.apply(constant));
    }
    return "one of " + String.join(", ", names);
  }

  private static boolean parseBoolean(String text) {
    return switch (text.strip()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw InvalidValueException.expected("true or false", text);
    };
  }

  private static int parseInt(String text, int min, int max, String expected) {
    String trimmed = text.strip();
    if (!trimmed.matches("[0-9]{1,10}")) {
      throw InvalidValueException.expected(expected, text);
    }
    long value = Long.parseLong(trimmed);
    if (value < min || value > max) {
      throw new InvalidValueException(
          "expected " + expected + " (" + min + " to " + max + "), got " + value);
    }
    return (int) value;
  }

  /** Comma-separated items, each trimmed; an empty item is an error (a stray comma is a typo). */
  static List<String> items(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String trimmed = item.strip();
      if (trimmed.isEmpty()) {
        throw new InvalidValueException("empty item in the list '" + ValueText.quote(text) + "'");
      }
      items.add(trimmed);
    }
    return items;
  }

  private static org.weverywhere.trust.Fingerprint parseFingerprint(String text) {
    try {
      return org.weverywhere.trust.Fingerprint.parse(text.strip());
    } catch (IllegalArgumentException bad) {
      throw new InvalidValueException(
          "'"
              + ValueText.quote(text.strip())
              + "' is not a node id: expected SHA256: and 43 base64 characters, as `weverywhere peers` shows it");
    }
  }

  private static Set<Privilege> parsePrivileges(String text) {
    if (text.strip().equals("none")) {
      return Collections.unmodifiableSet(EnumSet.noneOf(Privilege.class));
    }
    ConfigValueType<Privilege> one = enumType("privilege", Privilege.class, Privilege::text);
    Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
    for (String item : items(text)) {
      try {
        privileges.add(one.parse(item));
      } catch (InvalidValueException unknown) {
        throw new InvalidValueException(
            "unknown privilege '"
                + ValueText.quote(item)
                + "': expected none or a list of observe, fetch, execute, publish, control, relay");
      }
    }
    return Collections.unmodifiableSet(privileges);
  }

  private static String formatPrivileges(Set<Privilege> privileges) {
    if (privileges.isEmpty()) {
      return "none";
    }
    return EnumSet.copyOf(privileges).stream()
        .map(Privilege::text)
        .collect(Collectors.joining(", "));
  }

  private static InterfaceSelection parseInterfaces(String text) {
    String trimmed = text.strip();
    if (trimmed.equals("loopback")) {
      return new InterfaceSelection.Loopback();
    }
    if (trimmed.equals("all")) {
      return new InterfaceSelection.All();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String item : items(text)) {
      if (item.equals("loopback") || item.equals("all")) {
        throw new InvalidValueException(
            "'" + item + "' stands alone: write loopback, all, or a list of interface names");
      }
      if (!INTERFACE_SYNTAX.matcher(item).matches()) {
        throw InvalidValueException.expected(
            "loopback, all, or interface names like eth0, wlan0", item);
      }
      names.add(item);
    }
    return new InterfaceSelection.Named(List.copyOf(names));
  }

  private static List<String> parseNames(String text) {
    List<String> names = new ArrayList<>();
    for (String item : items(text)) {
      String name =
          parseName(item, NAME_SYNTAX, "a name of 1 to 64 letters, digits, '.', '-' or '_'");
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  private static List<PeerAddress> parsePeers(String text) {
    if (text.strip().equals("none")) {
      return List.of();
    }
    List<PeerAddress> peers = new ArrayList<>();
    for (String item : items(text)) {
      try {
        peers.add(PeerAddress.parse(item));
      } catch (IllegalArgumentException malformed) {
        // the same parser as the CLI's and the explorer's, so an IPv6 zone (%eth0) is kept here too
        throw new InvalidValueException(malformed.getMessage());
      }
    }
    return List.copyOf(peers);
  }

  private static String formatList(List<?> items) {
    return items.isEmpty()
        ? "none"
        : items.stream().map(Object::toString).collect(Collectors.joining(", "));
  }

  /** A host name or an IP literal; never resolved here, so that parsing does no DNS. */
  private static String parseHost(String text) {
    String trimmed = text.strip();
    if (IPV4.matcher(trimmed).matches()) {
      literalIpv4(trimmed);
      return trimmed;
    }
    if (trimmed.indexOf(':') >= 0) {
      return formatIpv6(literalIpv6(trimmed));
    }
    if (!HOST_NAME.matcher(trimmed).matches()) {
      throw InvalidValueException.expected(
          "a host name or IP address like localhost or 192.0.2.7", text);
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }

  private static InetAddress literalIpv4(String text) {
    Matcher m = IPV4.matcher(text);
    if (!m.matches()) {
      throw InvalidValueException.expected("an IPv4 address like 239.255.87.69", text);
    }
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      int part = Integer.parseInt(m.group(i + 1));
      if (part > 255) {
        throw InvalidValueException.expected("an IPv4 address like 239.255.87.69", text);
      }
      address[i] = (byte) part;
    }
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("four bytes are always an IPv4 address", impossible);
    }
  }

  private static InetAddress literalIpv6(String text) {
    // the character check comes first: only then is getByName a pure literal parse, never DNS
    if (!IPV6.matcher(text).matches() || text.indexOf(':') < 0) {
      throw InvalidValueException.expected("an IPv6 address like ff02::5745", text);
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException notLiteral) {
      throw InvalidValueException.expected("an IPv6 address like ff02::5745", text);
    }
  }

  private static InetAddress parseMulticast(String text, int length) {
    String trimmed = text.strip();
    InetAddress address = length == 4 ? literalIpv4(trimmed) : literalIpv6(trimmed);
    if (address.getAddress().length != length || !address.isMulticastAddress()) {
      throw new InvalidValueException(
          "'"
              + ValueText.quote(text)
              + "' is not an IPv"
              + (length == 4 ? "4" : "6")
              + " multicast address ("
              + (length == 4 ? "224.0.0.0/4" : "ff00::/8")
              + ")");
    }
    return address;
  }

  /**
   * RFC 5952 text: lower case, the longest run of two or more zero groups as "::" (Java writes them
   * all out).
   */
  static String formatIpv6(InetAddress address) {
    return PeerAddress.ipv6Text(address);
  }

  private static Path parsePath(String text) {
    String trimmed = text.strip();
    Path path;
    try {
      path = Path.of(trimmed);
    } catch (InvalidPathException bad) {
      throw new InvalidValueException(
          "'" + ValueText.quote(text) + "' is not a valid path: " + bad.getReason());
    }
    if (!path.isAbsolute()) {
      throw new InvalidValueException(
          "expected an absolute path like /var/lib/weverywhere, got '"
              + ValueText.quote(text)
              + "'");
    }
    return path.normalize();
  }

  private static String parseName(String text, Pattern syntax, String expected) {
    String trimmed = text.strip();
    if (!syntax.matcher(trimmed).matches()) {
      throw InvalidValueException.expected(expected, text);
    }
    return trimmed;
  }
}
