package org.weverywhere.daemon.soak;

import java.util.Locale;

/** The kinds of request the soak mixes, with their share of the load (weights of one cycle). */
enum SoakKind {
  DISCOVER(1, "#1f77b4"),
  DESCRIBE(1, "#ff7f0e"),
  EXECUTE(4, "#2ca02c"),
  CALL(3, "#d62728"),
  FETCH(1, "#9467bd"),
  CONTROL(1, "#8c564b");

  final int weight;
  final String colour;

  SoakKind(int weight, String colour) {
    this.weight = weight;
    this.colour = colour;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One cycle of kinds, each as often as its weight, interleaved (not in runs of one kind). */
  static SoakKind[] cycle() {
    int total = 0;
    for (SoakKind k : values()) {
      total += k.weight;
    }
    SoakKind[] cycle = new SoakKind[total];
    int[] left = new int[values().length];
    for (SoakKind k : values()) {
      left[k.ordinal()] = k.weight;
    }
    for (int i = 0; i < total; ) {
      for (SoakKind k : values()) {
        if (left[k.ordinal()] > 0) {
          left[k.ordinal()]--;
          cycle[i++] = k;
        }
      }
    }
    return cycle;
  }
}
