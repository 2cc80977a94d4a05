package org.weverywhere.daemon.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SoakPlotTest {
  private static Document parse(String svg) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void drawsOnePolylinePerCurveInWellFormedSvg() throws Exception {
    List<SoakRow> rows = new ArrayList<>();
    for (int m = 0; m <= 5; m++) {
      Map<SoakKind, SoakRow.KindFigures> kinds = new EnumMap<>(SoakKind.class);
      if (m > 0) {
        for (SoakKind k : SoakKind.values()) {
          kinds.put(k, new SoakRow.KindFigures(60, 1, 2, 3 + m, 0, 0));
        }
      }
      rows.add(new SoakRow(m, 1.5, 300L << 20, 60, 100, 1L << 20, -1, -1, 1.5, kinds));
    }
    Document svg = parse(SoakPlot.svg("soak <test> & \"quotes\"", rows));
    assertEquals("svg", svg.getDocumentElement().getLocalName());
    // RSS (heap missing: -1), threads, open files, journal, total + 6 rates, 6 p99s, load
    assertEquals(1 + 1 + 1 + 1 + 7 + 6 + 1, svg.getElementsByTagName("polyline").getLength());
    assertTrue(svg.getDocumentElement().getTextContent().contains("soak <test> & \"quotes\""));
  }

  @Test
  void noRowsOrOnlyTheStartStillMakeADocument() throws Exception {
    parse(SoakPlot.svg("empty", List.of()));
    parse(
        SoakPlot.svg(
            "start", List.of(new SoakRow(0, 0, 0, 0, 0, 0, -1, -1, Double.NaN, Map.of()))));
  }

  @Test
  void axesEndOnRoundNumbers() {
    assertEquals(1, SoakPlot.niceCeiling(0));
    assertEquals(1, SoakPlot.niceCeiling(Double.NaN));
    assertEquals(500, SoakPlot.niceCeiling(321));
    assertEquals(2, SoakPlot.niceCeiling(2));
    assertEquals(0.05, SoakPlot.niceCeiling(0.042), 1e-12);
  }
}
