package dev.vipd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IP literal parsing (never DNS) and expansion of single addresses, ranges and CIDR blocks. */
class VipAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "198.51.100.7", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::", "2001:db8::7",
      "2001:DB8:0:0:0:0:0:7", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8",
      "2001:db8::198.51.100.7", "::ffff:198.51.100.7", "fe80::1"})
  void parsesTheSameBytesAsTheJdkForLiterals(String literal) throws Exception {
    // getByName does not resolve a valid literal, so it is a safe oracle here.
    assertThat(IpLiterals.parse(literal).getAddress())
        .isEqualTo(InetAddress.getByName(literal).getAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "localhost", "www.example.com", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1",
      "1.2.3.-4", "1..2.3", " 1.2.3.4", ":::", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7", "fe80::1%eth0", "[::1]", "::1.2.3", "1.2.3.4::", "１.2.3.4"})
  void refusesWhatIsNotALiteral(String text) {
    assertThat(IpLiterals.parse(text)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
      "2001:DB8:0:0:0:0:0:7, 2001:db8::7",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "0:0:0:0:0:0:0:0, ::",
      "1:0:0:0:0:0:0:0, 1::",
      "198.51.100.7, 198.51.100.7"})
  void formatsInRfc5952Form(String written, String expected) {
    assertThat(IpLiterals.format(IpLiterals.parse(written))).isEqualTo(expected);
  }

  @Test
  void singleAddressExpandsToItself() {
    assertThat(VipAddresses.expand(" 2001:db8::7 "))
        .containsExactly(IpLiterals.parse("2001:db8::7"));
  }

  @Test
  void rangeIsInclusiveAndCrossesOctets() {
    assertThat(VipAddresses.expand("198.51.100.254-198.51.101.1"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("198.51.100.254", "198.51.100.255", "198.51.101.0", "198.51.101.1");
  }

  @Test
  void ipv6RangeStaysIpv6EvenThroughTheMappedBlock() {
    List<InetAddress> out = VipAddresses.expand("2001:db8::ffff-2001:db8::1:0");

    assertThat(out).hasSize(2).allMatch(a -> a instanceof Inet6Address);
    assertThat(out.get(1)).isEqualTo(IpLiterals.parse("2001:db8::1:0"));
  }

  @Test
  void rangeOfExactlyTheLimitIsAccepted() {
    assertThat(VipAddresses.expand("2001:db8::-2001:db8::3ff")).hasSize(VipAddresses.MAX_PER_ENTRY);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "198.51.100.0/32 | 1",
      "198.51.100.0/31 | 2",
      "198.51.100.0/28 | 16",
      "198.51.100.0/22 | 1024",
      "2001:db8::/126  | 4",
      "2001:db8::/118  | 1024"})
  void cidrIncludesEveryAddressOfTheBlock(String cidr, int count) {
    List<InetAddress> out = VipAddresses.expand(cidr);

    assertThat(out).hasSize(count).doesNotHaveDuplicates();
    assertThat(out.get(0)).isEqualTo(IpLiterals.parse(cidr.substring(0, cidr.indexOf('/'))));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2001:db8::/117 | invalid CIDR: 2001:db8::/117 (2048 addresses, at most 1024)",
      "2001:db8::/64 | invalid CIDR: 2001:db8::/64 (18446744073709551616 addresses, at most 1024)",
      "198.51.100.0/33 | invalid CIDR: 198.51.100.0/33 (prefix length expected: 0-32)",
      "198.51.100.0/x | invalid CIDR: 198.51.100.0/x (prefix length expected: 0-32)",
      "2001:db8::1/126 | invalid CIDR: 2001:db8::1/126 (host bits set; did you mean"
          + " 2001:db8::/126?)",
      "198.51.100.1-2001:db8::1 | invalid address range: 198.51.100.1-2001:db8::1 (mixes IPv4"
          + " and IPv6)",
      "198.51.100.0-198.51.104.0 | invalid address range: 198.51.100.0-198.51.104.0 (1025"
          + " addresses, at most 1024)",
      "::ffff:198.51.100.1 | invalid address: ::ffff:198.51.100.1 (IPv4-mapped IPv6; write the"
          + " IPv4 address)",
      "0.0.0.0 | not usable as a VIP: 0.0.0.0 (unspecified address)",
      "127.0.0.2 | not usable as a VIP: 127.0.0.2 (loopback address)",
      "::1 | not usable as a VIP: ::1 (loopback address)",
      "224.0.0.1 | not usable as a VIP: 224.0.0.1 (multicast address)",
      "169.254.1.1 | not usable as a VIP: 169.254.1.1 (link-local address)",
      "255.255.255.255 | not usable as a VIP: 255.255.255.255 (broadcast address)",
      "223.255.255.255-224.0.0.0 | not usable as a VIP: 224.0.0.0 in 223.255.255.255-224.0.0.0"
          + " (multicast address)"})
  void refusesWithAMessageNamingTheEntry(String entry, String message) {
    assertThatThrownBy(() -> VipAddresses.expand(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
