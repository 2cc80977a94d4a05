package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** MessageId's hand-written equals and hashCode keep the record's meaning: both halves count. */
class MessageIdTest {
  @Test
  void equalIdsAreEqualAndHashAlike() {
    var id = MessageId.random();
    var same = new MessageId(id.high(), id.low());
    assertEquals(id, same);
    assertEquals(id.hashCode(), same.hashCode());
  }

  @Test
  void eitherHalfMakesADifferentId() {
    var id = new MessageId(1, 2);
    assertNotEquals(id, new MessageId(1, 3));
    assertNotEquals(id, new MessageId(0, 2));
    assertNotEquals(id, new MessageId(2, 1));
    assertNotEquals(id, null);
    assertNotEquals(id, (Object) "0000000000000001" + "0000000000000002");
  }

  @Test
  void randomIdsSpreadOverAHashSet() {
    Set<MessageId> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(MessageId.random());
    }
    assertEquals(10_000, ids.size());
    assertEquals(
        Set.of(new MessageId(5, 6)), Set.of(MessageId.read(new MessageId(5, 6).bytes(), "id")));
  }
}
