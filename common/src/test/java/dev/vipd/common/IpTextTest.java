package dev.vipd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {

  @ParameterizedTest
  @CsvSource({
    "198.51.100.7, 198.51.100.7",
    "2001:db8:0:0:0:0:0:100, 2001:db8::100",
    "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "fe80:0:0:0:0:0:0:0, fe80::",
    "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
    "ff02:0:0:0:0:1:ff00:100, ff02::1:ff00:100",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:DB8:0:0:0:0:0:ABCD, 2001:db8::abcd",
  })
  void formatsAsRfc5952(String input, String expected) throws Exception {
    assertThat(IpText.format(InetAddress.getByName(input))).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void dropsTheScopeSoThatEveryNodeGetsTheSameKey() throws Exception {
    assertThat(IpText.format(InetAddress.getByName("fe80::1%1"))).isEqualTo("fe80::1");
  }
}
