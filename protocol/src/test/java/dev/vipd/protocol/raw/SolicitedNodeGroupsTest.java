package dev.vipd.protocol.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SolicitedNodeGroupsTest {

  @Test
  void groupKeepsTheLow24BitsOfTheAddress() throws Exception {
    Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::12:3456:789a");
    assertThat(SolicitedNodeGroups.groupOf(vip))
        .isEqualTo(InetAddress.getByName("ff02::1:ff56:789a"));
  }

  @Test
  void addressesDifferingAboveTheLow24BitsShareAGroup() throws Exception {
    Inet6Address a = (Inet6Address) InetAddress.getByName("2001:db8::1:ab:cdef");
    Inet6Address b = (Inet6Address) InetAddress.getByName("2001:db8:1::2:ab:cdef");
    assertThat(SolicitedNodeGroups.groupOf(a)).isEqualTo(SolicitedNodeGroups.groupOf(b));
  }
}
