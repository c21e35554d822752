package dev.vipd.daemon.binding;

import static dev.vipd.daemon.binding.RouteLocalBindingTest.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link InterfaceBinding} in a two-namespace lab: marked addresses, and only those cleaned up. */
class InterfaceBindingIT {

  private NetnsLab lab;
  private Lan lan;
  private InterfaceBinding binding;

  @BeforeEach
  void setUp() {
    lab = NetnsLab.open();
    lan = new Lan(lab);
    binding = new InterfaceBinding(lab.in(lan.host), vip -> "eth0");
  }

  @AfterEach
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void addsMarkedAddressesThatAcceptTraffic() throws Exception {
    binding.bind(address("198.51.100.100"));
    binding.bind(address("198.51.100.100"));
    binding.bind(address("2001:db8::100"));

    String v4 = lab.run(lan.host, "ip -o -4 addr show dev eth0");
    String v6 = lab.run(lan.host, "ip -o -6 addr show dev eth0");
    assertThat(v4).contains("inet 198.51.100.100/32 metric 8686 scope host noprefixroute eth0:vipd");
    assertThat(v6)
        .contains("inet6 2001:db8::100/128 metric 8686 scope global nodad deprecated noprefixroute")
        .contains("preferred_lft 0sec");
    lab.run(lan.client, "ip -6 neigh replace 2001:db8::100 lladdr " + lan.hostMac + " dev eth0");
    lan.serve("2001:db8::100", 8443);
    assertThat(lan.connect("2001:db8::100", 8443, Duration.ofSeconds(3))).isEqualTo("vipd");
    // Deprecated: the kernel never picks the VIP as source towards the client.
    assertThat(lab.run(lan.host, "ip -6 route get 2001:db8::2")).contains("src 2001:db8::1 ");
  }

  /**
   * What a kill -9 leaves: the address stays on the NIC until {@code vipd cleanup}. With {@code
   * arp_ignore=3} (the packaged sysctl file) the kernel does not answer ARP for it, because vipd
   * adds it with scope host, yet still accepts traffic for it; with {@code arp_ignore=1} it would.
   */
  @Test
  void aHostScopeVipLeftOnTheNicIsNotAnsweredByTheKernelWithArpIgnore3() throws Exception {
    binding.bind(address("198.51.100.100"));
    lab.run(lan.host, "sysctl -q -w net.ipv4.conf.all.arp_ignore=1");
    assertThat(lan.arpAnswered("198.51.100.100")).as("arp_ignore=1 answers").isTrue();

    lab.run(lan.host, "sysctl -q -w net.ipv4.conf.all.arp_ignore=3");
    assertThat(lan.arpAnswered("198.51.100.100")).as("arp_ignore=3, scope host").isFalse();
    assertThat(lan.arpAnswered("198.51.100.1")).as("the host's own address").isTrue();
    lab.run(lan.client, "ip neigh replace 198.51.100.100 lladdr " + lan.hostMac + " dev eth0");
    lan.serve("198.51.100.100", 8443);
    assertThat(lan.connect("198.51.100.100", 8443, Duration.ofSeconds(3))).isEqualTo("vipd");
  }

  @Test
  void unbindRemovesTheAddress() {
    binding.bind(address("198.51.100.100"));
    binding.bind(address("2001:db8::100"));

    binding.unbind(address("198.51.100.100"));
    binding.unbind(address("2001:db8::100"));
    binding.unbind(address("2001:db8::100"));

    assertThat(lab.run(lan.host, "ip -o addr show dev eth0"))
        .doesNotContain("198.51.100.100")
        .doesNotContain("2001:db8::100");
    assertThat(binding.bound()).isEmpty();
  }

  @Test
  void cleanupRemovesOnlyMarkedAddresses() {
    lab.run(lan.host, "ip addr add 198.51.100.200/32 dev eth0 label eth0:op");
    lab.run(lan.host, "ip -6 addr add 2001:db8::200/128 dev eth0 nodad preferred_lft 0");
    binding.bind(address("198.51.100.100"));
    binding.bind(address("2001:db8::100"));
    // Left by an earlier vipd process that crashed.
    lab.run(lan.host, "ip -6 addr add 2001:db8::101/128 dev eth0 nodad noprefixroute metric 8686");

    new InterfaceBinding(lab.in(lan.host), vip -> "eth0").cleanup();

    String left = lab.run(lan.host, "ip -o addr show dev eth0");
    assertThat(left)
        .contains("198.51.100.200/32", "2001:db8::200/128", "198.51.100.1/24", "2001:db8::1/64")
        .doesNotContain("198.51.100.100")
        .doesNotContain("2001:db8::100")
        .doesNotContain("2001:db8::101");
  }
}
