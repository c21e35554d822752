package dev.vipd.daemon.binding;

import static dev.vipd.daemon.binding.RouteLocalBindingTest.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RouteLocalBinding} in a two-namespace lab: traffic accepted, ARP left to vipd. */
class RouteLocalBindingIT {

  private NetnsLab lab;
  private Lan lan;
  private RouteLocalBinding binding;

  @BeforeEach
  void setUp() {
    lab = NetnsLab.open();
    lan = new Lan(lab);
    binding = new RouteLocalBinding(lab.in(lan.host), vip -> "eth0");
  }

  @AfterEach
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void boundVipAcceptsTcpAndPingButTheKernelStaysSilentOnArp() throws Exception {
    String vip = "198.51.100.100";
    // The client knows the host's MAC for the VIP, as vipd's responder would have taught it.
    lab.run(lan.client, "ip neigh replace " + vip + " lladdr " + lan.hostMac + " dev eth0");
    assertThat(lan.connect(vip, 8080, Duration.ofSeconds(1)))
        .as("nothing bound yet")
        .startsWith("failed");

    binding.bind(address(vip));
    lan.serve(vip, 8080);

    assertThat(lan.connect(vip, 8080, Duration.ofSeconds(3))).isEqualTo("vipd");
    assertThat(lan.ping(vip)).isEqualTo("reply");
    assertThat(lab.run(lan.host, "ip route show table local proto 86"))
        .contains("local 198.51.100.100 dev lo");
    assertThat(lab.run(lan.host, "sysctl -n net.ipv4.conf.all.arp_ignore").strip()).isEqualTo("1");
    assertThat(lab.run(lan.host, "sysctl -n net.ipv4.conf.all.arp_announce").strip())
        .isEqualTo("2");
    assertThat(lab.run(lan.host, "sysctl -n net.ipv4.conf.eth0.arp_ignore").strip())
        .isEqualTo("1");
    // arping works here (the host's own address answers), but not for the VIP.
    assertThat(lan.arpAnswered("198.51.100.1")).isTrue();
    assertThat(lan.arpAnswered(vip)).isFalse();
  }

  @Test
  void ipv6VipAcceptsTcp() throws Exception {
    String vip = "2001:db8::100";
    lab.run(lan.client, "ip -6 neigh replace " + vip + " lladdr " + lan.hostMac + " dev eth0");

    binding.bind(address(vip));
    binding.bind(address(vip));
    // IPv6 refuses bind() to an address that is only a local route (EADDRNOTAVAIL, measured
    // here); services listen on the wildcard, as most do, or set IP_FREEBIND.
    lan.serve("::", 8443);

    assertThat(lan.connect(vip, 8443, Duration.ofSeconds(3))).isEqualTo("vipd");
    assertThat(lab.run(lan.host, "ip -6 route show table local proto 86"))
        .contains("local 2001:db8::100 dev lo");
  }

  @Test
  void unbindStopsAcceptingAndIsIdempotent() throws Exception {
    String vip = "198.51.100.101";
    lab.run(lan.client, "ip neigh replace " + vip + " lladdr " + lan.hostMac + " dev eth0");
    binding.bind(address(vip));
    lan.serve(vip, 8080);
    assertThat(lan.connect(vip, 8080, Duration.ofSeconds(3))).isEqualTo("vipd");

    binding.unbind(address(vip));
    binding.unbind(address(vip));

    assertThat(lan.connect(vip, 8080, Duration.ofSeconds(1))).startsWith("failed");
    assertThat(lab.run(lan.host, "ip route show table local proto 86")).isBlank();
    assertThat(binding.bound()).isEmpty();
  }

  @Test
  void bindAllAddsMarkedRoutesForBothFamiliesInOneGo() {
    List<InetAddress> vips = new ArrayList<>();
    for (int i = 100; i < 150; i++) {
      vips.add(address("198.51.100." + i));
      vips.add(address("2001:db8::" + Integer.toHexString(i)));
    }
    long t0 = System.nanoTime();
    binding.bindAll(vips);
    System.out.printf("bound %d VIPs in one ip -batch: %d ms%n", vips.size(),
        (System.nanoTime() - t0) / 1_000_000);

    String v4 = lab.run(lan.host, "ip route show table local proto 86");
    String v6 = lab.run(lan.host, "ip -6 route show table local proto 86");
    assertThat(v4.lines().filter(l -> l.startsWith("local 198.51.100.")).count()).isEqualTo(50);
    assertThat(v6.lines().filter(l -> l.startsWith("local 2001:db8::")).count()).isEqualTo(50);
    assertThat(binding.bound()).hasSize(100);
    binding.cleanup();
    assertThat(lab.run(lan.host, "ip route show table local proto 86")).isBlank();
  }

  @Test
  void cleanupRemovesVipdsRoutesAndLeavesTheOperatorsOwn() {
    lab.run(lan.host, "ip route add local 198.51.100.201/32 dev lo table local");
    lab.run(lan.host, "ip -6 route add local 2001:db8::201/128 dev lo table local");
    binding.bind(address("198.51.100.100"));
    binding.bind(address("2001:db8::100"));
    // A route left by an earlier vipd process that crashed: same marker, unknown to this one.
    lab.run(lan.host, "ip route add local 198.51.100.102/32 dev lo table local proto 86");

    new RouteLocalBinding(lab.in(lan.host), vip -> "eth0").cleanup();
    binding.cleanup();

    String v4 = lab.run(lan.host, "ip route show table local");
    String v6 = lab.run(lan.host, "ip -6 route show table local");
    assertThat(v4).contains("local 198.51.100.201 dev lo").doesNotContain("198.51.100.100")
        .doesNotContain("198.51.100.102");
    assertThat(v6).contains("local 2001:db8::201 dev lo").doesNotContain("2001:db8::100 dev lo");
    assertThat(binding.bound()).isEmpty();
  }
}
