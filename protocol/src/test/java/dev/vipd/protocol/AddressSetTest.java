package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.protocol.wire.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AddressSetTest {

  @Property(tries = 200)
  void primitiveLookupsAgreeWithTheAddresses(
      @ForAll @Size(max = 300) List<Integer> v4Members,
      @ForAll @Size(max = 100) List<Long> v6Members,
      @ForAll @Size(max = 50) List<Integer> v4Probes,
      @ForAll @Size(max = 50) List<Long> v6Probes) {
    List<InetAddress> members = new ArrayList<>();
    v4Members.stream().map(InetAddresses::ipv4)
        .filter(a -> !a.isAnyLocalAddress() && !a.isMulticastAddress()).forEach(members::add);
    v6Members.stream().filter(l -> l != 0)
        .forEach(l -> members.add(InetAddresses.ipv6(0x2001_0db8_0000_0000L, l)));
    AddressSet set = AddressSet.of(members);
    Set<InetAddress> expected = new HashSet<>(members);

    for (InetAddress a : members) {
      assertThat(lookup(set, a)).isTrue();
    }
    for (int p : v4Probes) {
      InetAddress a = InetAddresses.ipv4(p);
      assertThat(lookup(set, a)).isEqualTo(expected.contains(a));
    }
    for (long p : v6Probes) {
      InetAddress a = InetAddresses.ipv6(0x2001_0db8_0000_0000L, p);
      assertThat(lookup(set, a)).isEqualTo(p != 0 && expected.contains(a));
    }
    assertThat(set.size()).isEqualTo(expected.size());
  }

  @Test
  void withAndWithoutReturnNewSetsAndLeaveTheOriginal() throws Exception {
    InetAddress a = InetAddress.getByName("198.51.100.1");
    InetAddress b = InetAddress.getByName("2001:db8::1");
    AddressSet one = AddressSet.EMPTY.with(a);
    AddressSet two = one.with(b);

    assertThat(one.addresses()).containsExactly(a);
    assertThat(two.addresses()).containsExactly(a, b);
    assertThat(two.without(a).addresses()).containsExactly(b);
    assertThat(two.with(a)).isSameAs(two);
    assertThat(one.without(b)).isSameAs(one);
    assertThat(two.ipv4Values()).containsExactly(0xC6336401);
    assertThat(two.ipv6LowValues()).containsExactly(1L);
  }

  @Test
  void refusesUnspecifiedAndMulticastAddresses() throws Exception {
    assertThatThrownBy(() -> AddressSet.of(List.of(InetAddress.getByName("0.0.0.0"))))
        .hasMessage("invalid virtual address: 0.0.0.0 (expected: unicast)");
    assertThatThrownBy(() -> AddressSet.of(List.of(InetAddress.getByName("ff02::1"))))
        .hasMessageContaining("invalid virtual address: ff02:0:0:0:0:0:0:1");
  }

  private static boolean lookup(AddressSet set, InetAddress a) {
    if (a instanceof Inet4Address v4) {
      return set.containsIpv4(InetAddresses.toInt(v4));
    }
    Inet6Address v6 = (Inet6Address) a;
    return set.containsIpv6(InetAddresses.high(v6), InetAddresses.low(v6));
  }
}
