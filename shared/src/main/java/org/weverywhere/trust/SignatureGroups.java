package org.weverywhere.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.weverywhere.ErrorCode;

/**
 * All Signature Groups under a configuration directory ({@code <config-dir>/groups/<Group-Name>/
 * *.pub-key.pem}), with every problem found while reading them.
 *
 * <p>Loading never throws for a bad file or directory: it is skipped and reported in {@link
 * #errors()}, and the rest still loads, so one broken key cannot lock out a whole group. Files not
 * ending in {@code .pem} (a README, say) are ignored; private keys and other {@code .pem} files are
 * reported, since they are almost certainly misplaced.
 */
public final class SignatureGroups {
  public static final String DIRECTORY = "groups";

  private final Map<String, SignatureGroup> groups;
  private final List<KeyException> errors;
  private final Map<Fingerprint, List<String>> membership;

  private SignatureGroups(Map<String, SignatureGroup> groups, List<KeyException> errors) {
    this.groups = groups;
    this.errors = List.copyOf(errors);
    Map<Fingerprint, List<String>> index = new LinkedHashMap<>();
    for (SignatureGroup group : groups.values()) {
      for (GroupKey key : group.keys()) {
        List<String> names = index.computeIfAbsent(key.fingerprint(), k -> new ArrayList<>());
        if (!names.contains(group.name())) {
          names.add(group.name());
        }
      }
    }
    this.membership = index;
  }

  /** No groups but {@code anonymous}: every key is a stranger. */
  public static SignatureGroups none() {
    Map<String, SignatureGroup> groups = new TreeMap<>();
    groups.put(SignatureGroup.ANONYMOUS, new SignatureGroup(SignatureGroup.ANONYMOUS, List.of()));
    return new SignatureGroups(groups, List.of());
  }

  /** Reads {@code configDir/groups}; a missing groups directory means no groups but anonymous. */
  public static SignatureGroups load(Path configDir) {
    Path root = configDir.resolve(DIRECTORY);
    if (!Files.exists(root)) {
      return none();
    }
    Map<String, SignatureGroup> groups = new TreeMap<>();
    groups.put(SignatureGroup.ANONYMOUS, new SignatureGroup(SignatureGroup.ANONYMOUS, List.of()));
    List<KeyException> errors = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      errors.add(invalid(root, "not a directory; expected groups/<Group-Name>/*.pub-key.pem"));
      return new SignatureGroups(groups, errors);
    }
    for (Path entry : list(root, errors)) {
      String name = entry.getFileName().toString();
      if (!Files.isDirectory(entry)) {
        if (name.endsWith(".pem")) {
          errors.add(invalid(entry, "key file outside a group; move it to groups/<Group-Name>/"));
        }
      } else if (!SignatureGroup.isValidName(name)) {
        errors.add(
            invalid(
                entry,
                "invalid group name '" + name + "': use 1 to 64 letters, digits, '-' or '_'"));
      } else if (name.equals(SignatureGroup.ANONYMOUS)) {
        for (Path file : list(entry, errors)) {
          if (file.getFileName().toString().endsWith(".pem")) {
            errors.add(
                invalid(file, "the built-in group 'anonymous' has no keys; this file is ignored"));
          }
        }
      } else {
        groups.put(name, new SignatureGroup(name, keys(entry, errors)));
      }
    }
    return new SignatureGroups(groups, errors);
  }

  /** Every group, {@code anonymous} included, ordered by name. */
  public List<SignatureGroup> groups() {
    return List.copyOf(groups.values());
  }

  public Optional<SignatureGroup> group(String name) {
    return Optional.ofNullable(groups.get(name));
  }

  /** Every file or directory that could not be used, in the order found. */
  public List<KeyException> errors() {
    return errors;
  }

  /** The groups {@code key} belongs to, in name order; {@code [anonymous]} when none. */
  public Membership membership(Fingerprint key) {
    List<String> names = membership.get(key);
    return names == null ? Membership.anonymous(key) : new Membership(key, names);
  }

  public Membership membership(PublicKey key) {
    return membership(Fingerprint.of(key));
  }

  private static List<GroupKey> keys(Path groupDirectory, List<KeyException> errors) {
    List<GroupKey> keys = new ArrayList<>();
    for (Path file : list(groupDirectory, errors)) {
      String name = file.getFileName().toString();
      if (name.endsWith(KeyPairFiles.PUBLIC_SUFFIX)) {
        try {
          keys.add(GroupKey.read(file));
        } catch (KeyException bad) {
          errors.add(bad);
        }
      } else if (name.endsWith(KeyPairFiles.PRIVATE_SUFFIX)) {
        errors.add(
            new KeyException(
                ErrorCode.GROUP_INVALID,
                file,
                "a private key in a group directory; groups hold "
                    + "public keys only (*"
                    + KeyPairFiles.PUBLIC_SUFFIX
                    + "), remove this file"));
      } else if (name.endsWith(".pem")) {
        errors.add(
            invalid(
                file, "ignored: a group's key files are named NAME" + KeyPairFiles.PUBLIC_SUFFIX));
      }
    }
    return keys;
  }

  private static List<Path> list(Path directory, List<KeyException> errors) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.sorted(Comparator.comparing(path -> path.getFileName().toString())).toList();
    } catch (IOException unreadable) {
      errors.add(
          new KeyException(
              ErrorCode.IO_UNREADABLE,
              directory,
              0,
              "cannot list: " + unreadable.getMessage(),
              unreadable));
      return List.of();
    }
  }

  private static KeyException invalid(Path path, String detail) {
    return new KeyException(ErrorCode.GROUP_INVALID, path, detail);
  }
}
