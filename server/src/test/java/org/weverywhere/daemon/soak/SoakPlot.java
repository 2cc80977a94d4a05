package org.weverywhere.daemon.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The soak's curves as one SVG (plain text, no plotting library): small panels of RSS and heap,
 * threads, open files, journal size, throughput and p99 per kind, and the machine's load, each
 * against minutes.
 */
final class SoakPlot {
  private SoakPlot() {}

  private static final int PANEL_W = 420;
  private static final int PANEL_H = 200;
  private static final int LEFT = 56;
  private static final int RIGHT = 12;
  private static final int TOP = 28;
  private static final int BOTTOM = 34;
  private static final int COLUMNS = 2;

  /** One curve of a panel: its name, colour and value per row (NaN: no point there). */
  record Series(String name, String colour, ToDoubleFunction<SoakRow> value) {}

  record Panel(String title, String unit, List<Series> series) {}

  static String svg(String title, List<SoakRow> rows) {
    List<Panel> panels = new ArrayList<>();
    panels.add(
        new Panel(
            "daemon memory",
            "MiB",
            List.of(
                new Series("RSS", "#1f77b4", r -> r.rssBytes() / SoakRow.MIB),
                new Series(
                    "heap used",
                    "#aec7e8",
                    r -> r.heapUsedBytes() < 0 ? Double.NaN : r.heapUsedBytes() / SoakRow.MIB),
                new Series(
                    "old gen used",
                    "#ff7f0e",
                    r -> r.oldUsedBytes() < 0 ? Double.NaN : r.oldUsedBytes() / SoakRow.MIB))));
    panels.add(
        new Panel("threads", "", List.of(new Series("threads", "#2ca02c", SoakRow::threads))));
    panels.add(
        new Panel(
            "open files", "", List.of(new Series("open files", "#d62728", SoakRow::openFiles))));
    panels.add(
        new Panel(
            "journal on disk",
            "MiB",
            List.of(new Series("journal", "#9467bd", r -> r.journalBytes() / SoakRow.MIB))));
    List<Series> rates = new ArrayList<>();
    rates.add(
        new Series("total", "#000000", r -> r.minute() == 0 ? Double.NaN : r.totalPerSecond()));
    List<Series> p99s = new ArrayList<>();
    for (SoakKind k : SoakKind.values()) {
      rates.add(new Series(k.label(), k.colour, r -> figure(r, k, true)));
      p99s.add(new Series(k.label(), k.colour, r -> figure(r, k, false)));
    }
    panels.add(new Panel("throughput per kind", "req/s", rates));
    panels.add(new Panel("p99 per kind (per minute)", "ms", p99s));
    panels.add(
        new Panel(
            "machine load (1-min average, shared)",
            "",
            List.of(new Series("load", "#7f7f7f", SoakRow::load))));

    int rowsOfPanels = (panels.size() + COLUMNS - 1) / COLUMNS;
    int width = COLUMNS * PANEL_W;
    int height = 40 + rowsOfPanels * PANEL_H;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n",
            width,
            height,
            width,
            height));
    b.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"24\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
            10,
            escape(title)));
    double end = rows.isEmpty() ? 1 : Math.max(1e-9, rows.get(rows.size() - 1).minute());
    for (int i = 0; i < panels.size(); i++) {
      int x0 = (i % COLUMNS) * PANEL_W;
      int y0 = 40 + (i / COLUMNS) * PANEL_H;
      panel(b, panels.get(i), rows, end, x0, y0);
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static double figure(SoakRow r, SoakKind k, boolean rate) {
    var f = r.kinds().get(k);
    if (f == null || (!rate && f.completed() == 0)) {
      return Double.NaN;
    }
    return rate ? f.perSecond() : f.p99Millis();
  }

  private static void panel(
      StringBuilder b, Panel panel, List<SoakRow> rows, double end, int x0, int y0) {
    int plotW = PANEL_W - LEFT - RIGHT;
    int plotH = PANEL_H - TOP - BOTTOM;
    double max = 0;
    for (Series s : panel.series()) {
      for (SoakRow r : rows) {
        double v = s.value().applyAsDouble(r);
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          max = Math.max(max, v);
        }
      }
    }
    double top = niceCeiling(max);
    int px = x0 + LEFT;
    int py = y0 + TOP;
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s%s</text>%n",
            px,
            y0 + 16,
            escape(panel.title()),
            panel.unit().isEmpty() ? "" : " (" + escape(panel.unit()) + ")"));
    b.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999999\"/>%n",
            px,
            py,
            plotW,
            plotH));
    for (int t = 0; t <= 4; t++) {
      double v = top * t / 4;
      double y = py + plotH - plotH * t / 4.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eeeeee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              px,
              y,
              px + plotW,
              y,
              px - 4,
              y + 4,
              tick(v)));
    }
    for (int t = 0; t <= 5; t++) {
      double m = end * t / 5;
      double x = px + plotW * t / 5.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x,
              py + plotH + 14,
              tick(m)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">minutes</text>%n",
            px + plotW / 2,
            py + plotH + 28));
    int legendX = px + 6;
    for (Series s : panel.series()) {
      StringBuilder points = new StringBuilder();
      for (SoakRow r : rows) {
        double v = s.value().applyAsDouble(r);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          continue;
        }
        double x = px + plotW * r.minute() / end;
        double y = py + plotH - (top == 0 ? 0 : plotH * v / top);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      if (points.length() > 0) {
        b.append(
            String.format(
                Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                s.colour(),
                points.toString().strip()));
      }
      if (panel.series().size() > 1) {
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"8\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"9\">%s</text>%n",
                legendX,
                py + 4,
                s.colour(),
                legendX + 10,
                py + 12,
                escape(s.name())));
        legendX += 16 + 6 * s.name().length();
      }
    }
  }

  /** 1, 2 or 5 times a power of ten, at least {@code max} (1 when nothing is above 0). */
  static double niceCeiling(double max) {
    if (!(max > 0) || Double.isInfinite(max)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= max) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String tick(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%.1f", v);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
