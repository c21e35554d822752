package dev.vipd.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void formatsAndParsesBothFamilies() throws Exception {
    String v4 = HostPort.format(InetAddress.getByName("198.51.100.1"), 5701);
    String v6 = HostPort.format(InetAddress.getByName("2001:db8::1"), 5701);
    assertThat(v4).isEqualTo("198.51.100.1:5701");
    assertThat(v6).startsWith("[2001:db8:").endsWith("]:5701");
    assertThat(HostPort.host(v4)).isEqualTo("198.51.100.1");
    assertThat(InetAddress.getByName(HostPort.host(v6)))
        .isEqualTo(InetAddress.getByName("2001:db8::1"));
    assertThat(HostPort.withPort(v4, 5702).getPort()).isEqualTo(5702);
  }

  @Test
  void refusesTextWithoutAPort() {
    assertThatThrownBy(() -> HostPort.host("198.51.100.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid member address: \"198.51.100.1\" (expected: host:port or [v6]:port)");
    assertThatThrownBy(() -> HostPort.host("[2001:db8::1:5701"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
