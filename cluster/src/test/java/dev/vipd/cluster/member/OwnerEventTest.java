package dev.vipd.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OwnerEventTest {
  @Test
  void framesAndUnframesBothKinds() {
    for (OwnerEvent.Kind kind : OwnerEvent.Kind.values()) {
      byte[] framed = new OwnerEvent(kind, new byte[] {9, 8, 7}).encode();
      assertThat(framed[0]).isEqualTo((byte) kind.code());
      OwnerEvent back = OwnerEvent.decode(framed).orElseThrow();
      assertThat(back.kind()).isEqualTo(kind);
      assertThat(back.sealed()).containsExactly(9, 8, 7);
    }
  }

  @Test
  void rejectsShortAndUnknownFrames() {
    assertThat(OwnerEvent.decode(null)).isEmpty();
    assertThat(OwnerEvent.decode(new byte[] {1})).isEmpty();
    assertThat(OwnerEvent.decode(new byte[] {4, 1, 2})).isEmpty();
    assertThat(OwnerEvent.decode(new byte[] {0, 1, 2})).isEmpty();
  }
}
