package org.weverywhere.daemon.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.weverywhere.protocol.WireLimits;

/** The daemon's Liberty configuration ({@code liberty/config/server.xml}) agrees with the code. */
class ServerXmlTest {
  private static final Path SERVER_XML = Path.of("../liberty/config/server.xml");

  @Test
  void libertyRefusesBodiesLongerThanTheBulkChannelReads() throws Exception {
    Document xml =
        DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().parse(SERVER_XML.toFile());
    Element endpoint = (Element) xml.getElementsByTagName("httpEndpoint").item(0);
    Element options = byId(xml, "httpOptions", endpoint.getAttribute("httpOptionsRef"));
    assertEquals(
        Integer.toString(WireLimits.HTTP.maxMessageBytes()),
        options.getAttribute("MessageSizeLimit"),
        "httpOptions MessageSizeLimit in " + SERVER_XML);
  }

  private static Element byId(Document xml, String tag, String id) {
    var all = xml.getElementsByTagName(tag);
    for (int i = 0; i < all.getLength(); i++) {
      var element = (Element) all.item(i);
      if (element.getAttribute("id").equals(id)) {
        return element;
      }
    }
    throw new AssertionError("no <" + tag + " id=\"" + id + "\"> in " + SERVER_XML);
  }
}
