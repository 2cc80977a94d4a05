package org.weverywhere.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * What a load run sends, in what proportion: {@code execute:math.add:2:40=8,describe=1,discover=1}.
 * Each entry is a request kind with an optional weight ({@code =N}, default 1): {@code
 * execute:LIBRARY.FUNCTION[:ARG...]} calls a function of a library the daemon offers, {@code
 * describe} asks for the first page of its description, {@code discover} asks it to announce
 * itself. Requests follow the weights in a fixed interleaved order, so two runs send the same
 * sequence.
 */
public record Mix(List<Entry> entries) {
  /** The largest weight of one entry; the sum of weights is the length of the repeating order. */
  public static final int MAX_WEIGHT = 1_000;

  public static final int MAX_ENTRIES = 32;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

  public Mix {
    entries = List.copyOf(entries);
    if (entries.isEmpty()) {
      throw bad("--mix names no request");
    }
  }

  /** One kind of request and its weight. */
  public sealed interface Entry {
    int weight();

    /** The entry as it is written in a mix. */
    String text();
  }

  /** {@code execute:LIBRARY.FUNCTION[:ARG...]}: a function of a library, its arguments as words. */
  public record Execute(String library, String function, List<String> args, int weight)
      implements Entry {
    public Execute {
      args = List.copyOf(args);
    }

    public String text() {
      return "execute:"
          + library
          + "."
          + function
          + (args.isEmpty() ? "" : ":" + String.join(":", args))
          + "="
          + weight;
    }
  }

  /** {@code describe}: the first page of the daemon's description. */
  public record Describe(int weight) implements Entry {
    public String text() {
      return "describe=" + weight;
    }
  }

  /** {@code discover}: a unicast discover, answered by an announce. */
  public record Discover(int weight) implements Entry {
    public String text() {
      return "discover=" + weight;
    }
  }

  /** Parses a mix, or a {@code BENCH_BAD_ARGUMENT} naming the entry at fault. */
  public static Mix parse(String text) {
    if (text == null || text.isBlank()) {
      throw bad("--mix is empty");
    }
    if (text.length() > 4_096) {
      throw bad("--mix is longer than 4096 characters");
    }
    List<Entry> entries = new ArrayList<>();
    for (String raw : text.split(",", -1)) {
      String item = raw.strip();
      if (entries.size() == MAX_ENTRIES) {
        throw bad("--mix has more than " + MAX_ENTRIES + " entries");
      }
      int weight = 1;
      int eq = item.lastIndexOf('=');
      String what = item;
      if (eq >= 0) {
        what = item.substring(0, eq);
        weight = weight(item, item.substring(eq + 1));
      }
      entries.add(entry(item, what, weight));
    }
    return new Mix(entries);
  }

  private static int weight(String item, String text) {
    int weight;
    try {
      weight = Integer.parseInt(text);
    } catch (NumberFormatException notNumber) {
      throw bad("--mix entry '" + item + "': weight '" + text + "' is not a whole number");
    }
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw bad("--mix entry '" + item + "': weight must be 1.." + MAX_WEIGHT + ", not " + weight);
    }
    return weight;
  }

  private static Entry entry(String item, String what, int weight) {
    if (what.equals("describe")) {
      return new Describe(weight);
    }
    if (what.equals("discover")) {
      return new Discover(weight);
    }
    if (what.startsWith("execute:")) {
      String[] parts = what.substring("execute:".length()).split(":", -1);
      String name = parts[0];
      int dot = name.lastIndexOf('.');
      if (dot <= 0 || dot == name.length() - 1) {
        throw bad("--mix entry '" + item + "': name LIBRARY.FUNCTION after execute:");
      }
      String library = name.substring(0, dot);
      String function = name.substring(dot + 1);
      if (!NAME.matcher(library).matches() || !NAME.matcher(function).matches()) {
        throw bad("--mix entry '" + item + "': '" + name + "' is not a LIBRARY.FUNCTION name");
      }
      List<String> args = List.of(parts).subList(1, parts.length);
      if (args.size() > 64) {
        throw bad("--mix entry '" + item + "': more than 64 arguments");
      }
      return new Execute(library, function, args, weight);
    }
    throw bad(
        "unknown --mix entry '"
            + item
            + "': use execute:LIBRARY.FUNCTION[:ARG...], describe or discover, each with an"
            + " optional =WEIGHT");
  }

  /**
   * The entries' indexes in sending order: each entry as often as its weight, spread evenly (the
   * entry furthest behind its share goes next), so that a short run already sends the mix.
   */
  public int[] order() {
    int length = entries.stream().mapToInt(Entry::weight).sum();
    int[] order = new int[length];
    long[] credit = new long[entries.size()];
    for (int slot = 0; slot < length; slot++) {
      int best = 0;
      for (int i = 0; i < entries.size(); i++) {
        credit[i] += entries.get(i).weight();
        if (credit[i] > credit[best]) {
          best = i;
        }
      }
      credit[best] -= length;
      order[slot] = best;
    }
    return order;
  }

  /** The mix as it would be written on the command line, weights included. */
  public String text() {
    return String.join(",", entries.stream().map(Entry::text).toList());
  }

  static WeverywhereException bad(String message) {
    return new WeverywhereException(ErrorCode.BENCH_BAD_ARGUMENT, message);
  }
}
