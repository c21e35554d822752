package dev.vipd.cluster.election;

import static dev.vipd.cluster.election.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The owners map: a plain {@link Map} to its users, fast for colliding IPv6 ranges. */
class VipMapTest {
  private static final InetAddress V4 = ip("198.51.100.7");
  private static final InetAddress V6 = ip("2001:db8::7");

  @Test
  void behavesLikeAnyMapWithTheSameEntries() {
    VipMap map =
        VipMap.of(List.of(V6, V4), List.of(new Ownership("h1", 2), new Ownership("h2", 1)));
    Map<InetAddress, Ownership> plain = new HashMap<>(map);

    assertThat(map).isEqualTo(plain).hasSameHashCodeAs(plain);
    assertThat(plain).isEqualTo(map);
    assertThat(map.get(ip("2001:db8:0:0::7"))).isEqualTo(new Ownership("h1", 2));
    assertThat(map.containsKey(ip("198.51.100.8"))).isFalse();
    assertThat(map.get("198.51.100.7")).isNull();
    assertThat(map.keySet()).containsExactly(V6, V4);
  }

  @Test
  void isImmutableAndCopiedOnlyWhenNeeded() {
    VipMap map = VipMap.of(List.of(V4), List.of(new Ownership("h1", 1)));

    assertThat(VipMap.copyOf(map)).isSameAs(map);
    assertThatThrownBy(() -> map.put(V6, new Ownership("h2", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().remove())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void duplicateVipIsRefused() {
    assertThatThrownBy(
            () ->
                VipMap.of(
                    List.of(V4, ip("198.51.100.7")),
                    List.of(new Ownership("a", 1), new Ownership("b", 1))))
        .hasMessage("duplicate VIP: 198.51.100.7");
  }

  @Test
  void addressKeysOfIpv4AndIpv6NeverMeet() {
    assertThat(AddressKey.of(ip("0.0.0.1"))).isNotEqualTo(AddressKey.of(ip("::1")));
    assertThat(AddressKey.of(ip("2001:db8::1:7")))
        .isEqualTo(AddressKey.of(ip("2001:db8:0:0:0:0:1:7")));
  }
}
