package dev.vipd.protocol.raw;

import static dev.vipd.protocol.raw.VethLab.IFACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import dev.vipd.protocol.spi.SocketFilter;
import dev.vipd.testlab.Netns;
import dev.vipd.testlab.Sh;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Solicited-node group membership as the kernel reports it in {@code ip -6 maddr}. */
class SolicitedNodeGroupsIT {
  private static VethLab lab;
  private static IoEventLoopGroup group;

  @BeforeAll
  static void setUp() throws Exception {
    VethLab.assumeAvailable();
    lab = VethLab.create("mc");
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void joinShowsTheGroupAndTheLastLeaveRemovesIt() throws Exception {
    Inet6Address vip1 = v6("2001:db8::ab:cd:1234");
    Inet6Address vip2 = v6("2001:db8:1::cd:1234"); // same low 24 bits: same group
    try (SolicitedNodeGroups groups = Netns.call(lab.a, () -> SolicitedNodeGroups.open(IFACE))) {
      assertThat(maddr()).doesNotContain("ff02::1:ffcd:1234");

      groups.join(vip1);
      groups.join(vip2);
      assertThat(maddr()).contains("ff02::1:ffcd:1234");
      assertThat(groups.groups()).containsExactly(v6("ff02::1:ffcd:1234"));

      groups.leave(vip1);
      assertThat(maddr()).contains("ff02::1:ffcd:1234");
      groups.leave(vip2);
      assertThat(maddr()).doesNotContain("ff02::1:ffcd:1234");
    }
  }

  @Test
  void joinMakesTheKernelSendAnMldReport() throws Exception {
    Recorder seenInB = new Recorder();
    IoEventLoop loop = group.next();
    try (PacketSocket b = Netns.call(lab.b, () -> PacketSocket.open(
            loop, IFACE, EtherKind.IPV6, seenInB, new SimpleMeterRegistry()));
        SolicitedNodeGroups groups = Netns.call(lab.a, () -> SolicitedNodeGroups.open(IFACE))) {
      b.setFilter(acceptAll());
      byte[] group = v6("ff02::1:ff77:4242").getAddress();

      groups.join(v6("2001:db8::77:4242"));

      await().atMost(Duration.ofSeconds(10))
          .until(() -> seenInB.frames.stream().anyMatch(f -> isMldReportFor(f, group)));
    }
  }

  @Test
  void closeLeavesEveryGroup() throws Exception {
    SolicitedNodeGroups groups = Netns.call(lab.a, () -> SolicitedNodeGroups.open(IFACE));
    groups.join(v6("2001:db8::1:0:5678"));
    groups.join(v6("2001:db8::2:1:9abc"));
    assertThat(maddr()).contains("ff02::1:ff00:5678", "ff02::1:ff01:9abc");
    groups.close();
    assertThat(maddr()).doesNotContain("ff02::1:ff00:5678", "ff02::1:ff01:9abc");
    assertThatThrownBy(() -> groups.join(v6("2001:db8::3")))
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * 3,000 IPv6 VIPs on one interface: more groups than one socket may hold under {@code
   * optmem_max}, measured with the old 20 KiB default and this kernel's 128 KiB (set inside the
   * lab namespace only: {@code net.core.optmem_max} is per network namespace here).
   */
  @Test
  void threeThousandGroupsBeyondOptmemMaxAreAllJoinedOnMoreSockets() throws Exception {
    String rootOptmem = Files.readString(Path.of("/proc/sys/net/core/optmem_max")).trim();
    String labOptmem = optmem(null);
    try {
      for (int limit : new int[] {20480, 131072}) {
        optmem(String.valueOf(limit));
        long start = System.nanoTime();
        try (SolicitedNodeGroups groups = Netns.call(lab.a, () -> {
          SolicitedNodeGroups g = SolicitedNodeGroups.open(IFACE);
          for (int i = 1; i <= 3000; i++) {
            g.join(v6("2001:db8::1:" + Integer.toHexString(i)));
          }
          return g;
        })) {
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          long listed = maddr().lines().filter(l -> l.contains("ff02::1:ff01:")).count();
          System.out.printf("3000 solicited-node groups, optmem_max %d: %d sockets, joined in "
              + "%d ms%n", limit, groups.sockets(), millis);
          assertThat(groups.groups()).hasSize(3000);
          assertThat(listed).as("groups the kernel lists").isEqualTo(3000);
          assertThat(groups.sockets()).isGreaterThan(1);
          if (limit == 20480) {
            assertThat(groups.sockets()).as("~300 per socket").isGreaterThanOrEqualTo(8);
          }
        }
        assertThat(maddr().lines().filter(l -> l.contains("ff02::1:ff01:")).count()).isZero();
      }
    } finally {
      optmem(labOptmem);
    }
    assertThat(Files.readString(Path.of("/proc/sys/net/core/optmem_max")).trim())
        .as("the root namespace is untouched").isEqualTo(rootOptmem);
  }

  /** Sets {@code net.core.optmem_max} in lab.a (unless null) and returns its value. */
  private static String optmem(String value) {
    String script = (value == null ? "" : "echo " + value + " > /proc/sys/net/core/optmem_max; ")
        + "cat /proc/sys/net/core/optmem_max";
    Sh.Result r = VethLab.execIn(lab.a, Duration.ofSeconds(10), "sh", "-c", script);
    assertThat(r.succeeded()).as(r.output()).isTrue();
    return r.output().trim();
  }

  @Test
  void missingInterfaceIsReportedByName() {
    assertThatThrownBy(() -> Netns.call(lab.a, () -> SolicitedNodeGroups.open("nope0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interface nope0 not found");
  }

  /** An MLDv2 report (ICMPv6 143 after the hop-by-hop router alert) naming {@code group}. */
  private static boolean isMldReportFor(byte[] frame, byte[] group) {
    int icmp = 14 + 40 + 8;
    if (frame.length < icmp + 8 + 20 || frame[20] != 0 || (frame[icmp] & 0xff) != 143) {
      return false;
    }
    for (int at = icmp + 8; at + 16 <= frame.length; at++) {
      if (java.util.Arrays.equals(frame, at, at + 16, group, 0, 16)) {
        return true;
      }
    }
    return false;
  }

  private static SocketFilter acceptAll() {
    SocketFilter.Builder b = SocketFilter.builder();
    b.add(BpfFilters.RET_K, 0, 0, BpfFilters.ACCEPT);
    return b.build();
  }

  private static String maddr() {
    return VethLab.ip("-n", lab.a, "-6", "maddr", "show", "dev", IFACE);
  }

  private static Inet6Address v6(String address) throws Exception {
    return (Inet6Address) InetAddress.getByName(address);
  }
}
