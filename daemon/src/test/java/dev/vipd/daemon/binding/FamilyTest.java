package dev.vipd.daemon.binding;

import static dev.vipd.daemon.binding.RouteLocalBindingTest.address;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FamilyTest {

  @ParameterizedTest
  @CsvSource({
    "198.51.100.100, 198.51.100.100/32",
    "2001:db8::100, 2001:db8::100/128",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1/128",
    "::1, ::1/128",
    "2001:db8::, 2001:db8::/128",
    "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6/128",
    "2001:db8:0:1:2:3:4:5, 2001:db8:0:1:2:3:4:5/128",
  })
  void hostPrefixUsesTheShortFormIproute2Prints(String vip, String expected) {
    assertThat(Family.hostPrefix(address(vip))).isEqualTo(expected);
  }
}
