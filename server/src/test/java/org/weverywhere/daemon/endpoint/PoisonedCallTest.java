package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;

/**
 * The datagram of issue 13 item 1 against a daemon's real beans (Weld SE): a validly signed {@code
 * call} whose chain holds the all-zero id. Over UDP it is dropped as malformed and the daemon goes
 * on answering; over HTTP (the bulk channel's handling, as LoopbackBulkServer mirrors BulkResource)
 * it gets a 400 naming WE5001, not a 500.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class PoisonedCallTest {
  private static final TestDaemonConfig TEST =
      TestDaemonConfig.prepare(
          "poisoned", List.of("math.wasi"), "group.anonymous.privileges = execute");
  private static final java.security.KeyPair KEYS = Ed25519.generate();

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;
  @Inject Endpoints endpoints;

  @AfterAll
  void clear() {
    TestDaemonConfig.clear();
  }

  /**
   * The poisoned call, signed: built here byte by byte (COSE_Sign1 as docs/PROTOCOL.md §2 profiles
   * it), because no sender in the code base can be made to write a zero id. Also sent to the real
   * daemon by {@code HostileIT}.
   */
  public static byte[] poisonedCall(java.security.KeyPair keys) throws Exception {
    var cbor = new com.fasterxml.jackson.dataformat.cbor.CBORFactory();
    var payload = new java.io.ByteArrayOutputStream();
    try (var g = cbor.createGenerator(payload)) {
      g.writeStartObject(null, 6); // definite lengths only, as the protocol requires
      g.writeNumberField("v", 1);
      g.writeStringField("t", "call");
      g.writeBinaryField(
          "id", java.nio.ByteBuffer.allocate(16).putLong(System.nanoTime() | 1).putLong(7).array());
      g.writeNumberField("ts", Clock.systemUTC().millis());
      g.writeStringField("aud", "any");
      g.writeFieldName("body");
      g.writeStartObject(null, 4);
      g.writeStringField("service", "kv");
      g.writeStringField("function", "put");
      g.writeFieldName("args");
      g.writeStartArray(null, 0);
      g.writeEndArray();
      g.writeFieldName("chain");
      g.writeStartArray(null, 1);
      g.writeBinary(new byte[16]);
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
    byte[] spki = keys.getPublic().getEncoded();
    byte[] header = new byte[38];
    System.arraycopy(new byte[] {(byte) 0xa2, 0x01, 0x27, 0x04, 0x58, 0x20}, 0, header, 0, 6);
    System.arraycopy(spki, spki.length - 32, header, 6, 32);
    var toSign = new java.io.ByteArrayOutputStream();
    try (var g = cbor.createGenerator(toSign)) {
      g.writeStartArray(null, 4);
      g.writeString("Signature1");
      g.writeBinary(header);
      g.writeBinary(new byte[0]);
      g.writeBinary(payload.toByteArray());
      g.writeEndArray();
    }
    var ed25519 = java.security.Signature.getInstance("Ed25519");
    ed25519.initSign(keys.getPrivate());
    ed25519.update(toSign.toByteArray());
    var envelope = new java.io.ByteArrayOutputStream();
    try (var g = cbor.createGenerator(envelope)) {
      g.writeTag(18);
      g.writeStartArray(null, 4);
      g.writeBinary(header);
      g.writeStartObject(null, 0);
      g.writeEndObject();
      g.writeBinary(payload.toByteArray());
      g.writeBinary(ed25519.sign());
      g.writeEndArray();
    }
    return envelope.toByteArray();
  }

  @Test
  void overUdpThePoisonedCallIsDroppedAndTheDaemonKeepsAnswering() throws Exception {
    var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), TEST.udpPort());
    try (DatagramChannel channel = DatagramChannel.open()) {
      for (int i = 0; i < 3; i++) {
        channel.send(ByteBuffer.wrap(poisonedCall(KEYS)), to);
      }
    }
    var udp =
        new UdpClient(
            new org.weverywhere.protocol.MessageSigner(KEYS),
            Verifier.of(Clock.systemUTC(), Optional.empty(), 100),
            Clock.systemUTC());
    var description =
        udp.request(
            to,
            daemon.identity().nodeId(),
            new Message.Describe(List.of("libraries")),
            Duration.ofSeconds(2),
            3);
    assertInstanceOf(Message.Description.class, description.message());
    assertTrue(
        endpoints.dropped().getOrDefault("MALFORMED", 0L) >= 3, endpoints.dropped().toString());
  }

  @Test
  void overHttpThePoisonedCallGetsA400NamingWe5001() throws Exception {
    try (var http = LoopbackBulkServer.start(endpoints, TEST.httpPort());
        var client = HttpClient.newHttpClient()) {
      var response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + TEST.httpPort() + "/weverywhere/v1/messages"))
                  .header("Content-Type", "application/cose")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(poisonedCall(KEYS)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, response.statusCode(), response.body());
      assertTrue(
          response
              .body()
              .startsWith("WE5001 payload.body.chain[0] must be a message id other than all zeros"),
          response.body());
    }
  }
}
