package org.weverywhere.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.weverywhere.config.DurationFormat;
import org.weverywhere.protocol.Message;

/** A daemon's control report as people read it: aligned, quiet, one fact a line. */
final class ReportText {
  private final PrintWriter out;

  ReportText(PrintWriter out) {
    this.out = out;
  }

  void print(Message.Report report) {
    Map<String, Object> data = report.data();
    switch (report.action()) {
      case "status" -> status(data);
      case "publish" ->
          out.printf(
              "published %s  sha256 %s  %s%n",
              data.get("library"), data.get("sha256"), bytes(number(data.get("size"))));
      case "unpublish" ->
          out.printf("removed %s  sha256 %s%n", data.get("library"), data.get("sha256"));
      case "drain" ->
          out.println(
              Boolean.TRUE.equals(data.get("drained"))
                  ? "drained: nothing in flight, no new work taken"
                  : "still running after "
                      + data.get("waited")
                      + ": "
                      + data.get("in-flight")
                      + " (no new work is taken)");
      case "resume" -> out.println("taking new work again");
      case "service-start", "service-stop" -> out.println(service(data));
      default -> change(data);
    }
  }

  private void change(Map<String, Object> data) {
    List<?> changed = (List<?>) data.getOrDefault("changed", List.of());
    List<?> restart = (List<?>) data.getOrDefault("restart", List.of());
    if (data.containsKey("fingerprint")) {
      out.println("added key " + data.get("fingerprint"));
    }
    if (data.containsKey("removed")) {
      out.println("removed " + data.get("removed"));
    }
    out.println(changed.isEmpty() ? "no change" : "changed: " + join(changed));
    if (!restart.isEmpty()) {
      out.println("takes effect after a restart: " + join(restart));
    }
  }

  private void status(Map<String, Object> data) {
    long uptime = number(data.get("uptime-ms"));
    out.printf("%-14s %s%n", "node", data.get("node"));
    out.printf(
        "%-14s %s (up %s)%n",
        "started", data.get("started"), DurationFormat.format(Duration.ofSeconds(uptime / 1000)));
    out.printf("%-14s %s%n", "load", data.get("load"));
    out.printf("%-14s %s%n", "configuration", data.get("configuration"));
    out.printf("%-14s %s%n", "draining", Boolean.TRUE.equals(data.get("draining")) ? "yes" : "no");
    out.printf("%-14s %s%n", "in flight", data.get("in-flight"));
    out.printf(
        "%-14s %s%s%n",
        "libraries",
        data.get("libraries"),
        data.get("builtin-libraries") instanceof List<?> builtin && !builtin.isEmpty()
            ? " (built in: "
                + String.join(", ", builtin.stream().map(String::valueOf).toList())
                + ")"
            : "");
    out.printf("%-14s %s%n", "next event", data.get("journal-next"));
    out.println();
    Table table = new Table("GROUP", "PRIVILEGES", "SLOTS", "MEMORY", "TRAFFIC THIS PERIOD");
    row(table, "(host)", "", (Map<?, ?>) data.get("host"));
    Map<?, ?> groups = (Map<?, ?>) data.get("groups");
    // the wire sorts map keys by length; people expect anonymous first, then by name
    groups.keySet().stream()
        .map(Object::toString)
        .sorted(Comparator.comparing((String g) -> !g.equals("anonymous")).thenComparing(g -> g))
        .forEach(
            name -> {
              Map<?, ?> u = (Map<?, ?>) groups.get(name);
              List<?> privileges = (List<?>) u.get("privileges");
              row(table, name, privileges.isEmpty() ? "none" : join(privileges), u);
            });
    table.print(out);
    List<?> services = (List<?>) data.getOrDefault("services", List.of());
    if (!services.isEmpty()) {
      out.println();
      services.forEach(service -> out.println(service((Map<?, ?>) service)));
    }
  }

  /** {@code service kv (kv, group friends): running, 1 of 1 instances, since ...}. */
  private static String service(Map<?, ?> s) {
    return "service "
        + s.get("name")
        + " ("
        + s.get("library")
        + ", group "
        + s.get("group")
        + "): "
        + s.get("state")
        + ", "
        + s.get("live")
        + " of "
        + s.get("instances")
        + " instances, since "
        + s.get("since")
        + (s.containsKey("reason") ? "; " + s.get("reason") : "");
  }

  private static void row(Table table, String name, String privileges, Map<?, ?> usage) {
    long trafficLimit = number(usage.get("traffic-period-limit"));
    table.add(
        name,
        privileges,
        usage.get("slots") + "/" + usage.get("cores"),
        bytes(number(usage.get("memory-bytes"))) + "/" + bytes(number(usage.get("memory-limit"))),
        bytes(number(usage.get("traffic-period-bytes")))
            + "/"
            + (trafficLimit == 0 ? "unlimited" : bytes(trafficLimit)));
  }

  private static String join(List<?> items) {
    return String.join(", ", items.stream().map(Object::toString).toList());
  }

  static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  /** Bytes for people: exact below 1 KiB, else one decimal in the largest binary unit that fits. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
