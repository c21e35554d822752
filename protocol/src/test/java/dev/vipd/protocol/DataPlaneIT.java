package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.testlab.Await;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Sh;
import dev.vipd.testlab.Tcpdump;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane against real clients: {@code arping}, {@code ndisc6} and the Linux kernel's own
 * neighbour tables, in network namespaces joined by a bridge.
 */
class DataPlaneIT {
  private static final String H1_MAC = "02:00:00:00:01:01";
  private static final String H2_MAC = "02:00:00:00:01:02";
  private static final String CLIENT_MAC = "02:00:00:00:00:99";
  private static final InetAddress VIP = addr("198.51.100.100");
  private static final InetAddress VIP6 = addr("2001:db8::100");
  /** Fast refresh-free bursts: the tests look at single frames. */
  private static final AnnounceSettings SETTINGS =
      new AnnounceSettings(3, Duration.ofMillis(100), Duration.ZERO, 2000);

  private static MultiThreadIoEventLoopGroup group;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private NetnsLab lab;

  @BeforeAll
  static void startLoop() {
    NetnsLab.assumeAvailable();
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  static void stopLoop() throws Exception {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void clean() {
    closeables.clear();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void clientResolvesOwnedIpv4AddressThroughArpingAndItsKernel() {
    lab = NetnsLab.create(false);
    Host h1 = lab.host("h1", H1_MAC, "198.51.100.1/24");
    Host client = lab.host("c", CLIENT_MAC, "198.51.100.9/24");
    acceptLocally(h1, "198.51.100.100/32");
    Speaker speaker = speaker(h1);

    assertThat(client.exec("arping", "-c", "1", "-w", "2", "-I", "eth0", "198.51.100.100").exitCode())
        .as("no answer before acquire").isNotZero();

    speaker.acquire(VIP);
    Sh.Result arping =
        client.exec("arping", "-c", "1", "-w", "2", "-I", "eth0", "198.51.100.100");
    assertThat(arping.exitCode()).as(arping.output()).isZero();
    assertThat(arping.output().toLowerCase(Locale.ROOT)).contains("[" + H1_MAC + "]")
        .contains("received 1 response");

    Sh.Result ping = client.exec("ping", "-c", "1", "-W", "2", "198.51.100.100");
    assertThat(ping.exitCode()).as(ping.output()).isZero();
    assertThat(client.run("ip", "neigh", "show", "198.51.100.100", "dev", "eth0").output())
        .contains(H1_MAC);

    assertThat(client.exec("arping", "-c", "1", "-w", "1", "-I", "eth0", "198.51.100.101").exitCode())
        .as("an address not owned gets no answer").isNotZero();
    assertThat(count("vipd.arp.requests", Verdict.ANSWERED)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void clientResolvesOwnedIpv6AddressAcrossAnMldSnoopingBridge() {
    lab = NetnsLab.create(true);
    Host h1 = lab.host("h1", H1_MAC, "2001:db8::1/64");
    Host client = lab.host("c", CLIENT_MAC, "2001:db8::9/64");
    lab.onlyReportedMulticastTo(h1);
    acceptLocally(h1, "2001:db8::100/128");
    Speaker speaker = speaker(h1);

    speaker.acquire(VIP6);
    // The kernel's MLD report for ff02::1:ff00:100 must reach the snooping bridge, or the
    // client's multicast solicitation never gets to h1's port.
    awaitTrue(Duration.ofSeconds(10), () -> mdbHas(h1, "ff02::1:ff00:100"),
        () -> lab.inBridge("bridge", "mdb", "show").toString() + h1.exec("ip", "-6", "maddr", "show", "dev", "eth0"));
    Sh.Result ndisc = client.exec("ndisc6", "-1", "-r", "3", "-w", "500", "2001:db8::100",
        "eth0");
    assertThat(ndisc.exitCode()).as(ndisc.output()).isZero();
    assertThat(ndisc.output().toLowerCase(Locale.ROOT)).contains(H1_MAC);

    // A short first-probe delay (set before the entry exists: its timer is armed then).
    client.run("sysctl", "-q", "-w", "net.ipv6.neigh.eth0.delay_first_probe_time=1");
    // The kernel's first resolution can lose one echo on a loaded machine (seen once in CI-like
    // runs: 1 of 9); what matters is that the client resolves the VIP through the bridge at all.
    Await.until("the client pings the VIP through the snooping bridge", Duration.ofSeconds(15),
        () -> client.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8::100").succeeded(),
        () -> ": " + client.exec("ip", "-6", "neigh") + h1.exec("ip", "-6", "neigh")
            + lab.inBridge("bridge", "mdb", "show"));
    assertThat(client.run("ip", "-6", "neigh", "show", "2001:db8::100", "dev", "eth0").output())
        .contains(H1_MAC);

    // Kernel NUD: once the entry is stale and used again, the client confirms it with a unicast
    // probe to the VIP, which must be answered. The entry is made stale by hand: waiting for it to
    // go stale is not enough, because ping sends with MSG_CONFIRM after each reply and so can keep
    // it reachable. Each attempt is a fresh `ping -c 1`, whose one echo carries no confirmation:
    // the entry goes STALE -> DELAY -> PROBE (delay_first_probe_time is 1 s).
    double answeredBefore = count("vipd.ndp.solicitations", Verdict.ANSWERED);
    try (Tcpdump capture = Tcpdump.start(h1, "eth0",
        "icmp6 and ip6[40] == 135 and ip6 dst 2001:db8::100")) {
      for (int attempt = 0; attempt < 5 && !capture.saw(DataPlaneIT::isSolicitation); attempt++) {
        client.run("ip", "-6", "neigh", "change", "2001:db8::100", "dev", "eth0",
            "lladdr", H1_MAC, "nud", "stale");
        Sh.Result again = client.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8::100");
        assertThat(again.exitCode()).as(again.output()).isZero();
        Await.until("a NUD probe or a reachable entry", Duration.ofSeconds(4),
            () -> capture.saw(DataPlaneIT::isSolicitation) || client.exec("ip", "-6", "neigh", "show", "2001:db8::100", "dev", "eth0")
                .output().contains("REACHABLE"), () -> ": " + capture.lines());
      }
      capture.await("h1 sees a unicast NUD probe", Duration.ofSeconds(10),
          DataPlaneIT::isSolicitation);
    }
    awaitTrue(Duration.ofSeconds(5),
        () -> count("vipd.ndp.solicitations", Verdict.ANSWERED) > answeredBefore);
    assertThat(client.run("ip", "-6", "neigh", "show", "2001:db8::100", "dev", "eth0").output())
        .contains(H1_MAC).doesNotContain("FAILED");

    speaker.release(VIP6);
    awaitTrue(Duration.ofSeconds(15), () -> !mdbHas(h1, "ff02::1:ff00:100"));
    assertThat(client.exec("ndisc6", "-1", "-r", "2", "-w", "300", "2001:db8::100", "eth0")
        .exitCode()).as("no answer after release").isNotZero();
  }

  @Test
  void announcementsMoveTheClientsExistingEntriesToTheNewOwner() {
    lab = NetnsLab.create(false);
    Host h1 = lab.host("h1", H1_MAC, "198.51.100.1/24", "2001:db8::1/64");
    Host h2 = lab.host("h2", H2_MAC, "198.51.100.2/24", "2001:db8::2/64");
    Host client = lab.host("c", CLIENT_MAC, "198.51.100.9/24", "2001:db8::9/64");
    Speaker s1 = speaker(h1);
    Speaker s2 = speaker(h2);
    s1.acquire(VIP);
    s1.acquire(VIP6);
    client.exec("ping", "-c", "1", "-W", "1", "198.51.100.100");
    client.exec("ping", "-6", "-c", "1", "-W", "1", "2001:db8::100");
    assertThat(client.run("ip", "neigh", "show", "198.51.100.100").output()).contains(H1_MAC);
    assertThat(client.run("ip", "-6", "neigh", "show", "2001:db8::100").output()).contains(H1_MAC);

    s1.release(VIP);
    s1.release(VIP6);
    long start = System.nanoTime();
    s2.acquire(VIP);
    s2.acquire(VIP6);
    awaitTrue(Duration.ofSeconds(5),
        () -> client.exec("ip", "neigh", "show", "198.51.100.100").output().contains(H2_MAC));
    long v4Millis = (System.nanoTime() - start) / 1_000_000;
    awaitTrue(Duration.ofSeconds(5),
        () -> client.exec("ip", "-6", "neigh", "show", "2001:db8::100").output().contains(H2_MAC));
    long v6Millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "client entry moved to the new owner: IPv4 (GARP) within %d ms, IPv6 (unsolicited NA)"
            + " within %d ms of acquire (upper bounds: polling through `ip neigh` costs ~5 ms)%n",
        v4Millis, v6Millis);
    assertThat(count("vipd.announcements", "garp")).isGreaterThanOrEqualTo(1);
    assertThat(count("vipd.announcements", "unsolicited-na")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void nothingIsAnsweredAfterRelease() {
    lab = NetnsLab.create(false);
    Host h1 = lab.host("h1", H1_MAC, "198.51.100.1/24", "2001:db8::1/64");
    Host client = lab.host("c", CLIENT_MAC, "198.51.100.9/24", "2001:db8::9/64");
    Speaker speaker = speaker(h1);
    speaker.acquire(VIP);
    speaker.acquire(VIP6);
    assertThat(client.exec("arping", "-c", "1", "-w", "2", "-I", "eth0", "198.51.100.100").exitCode())
        .isZero();
    assertThat(client.exec("ndisc6", "-1", "-r", "3", "-w", "500", "2001:db8::100", "eth0").exitCode())
        .isZero();

    // The verdict is counted just after the answer leaves: let the counters catch up.
    awaitTrue(Duration.ofSeconds(2), () -> count("vipd.arp.requests", Verdict.ANSWERED) >= 1
        && count("vipd.ndp.solicitations", Verdict.ANSWERED) >= 1);
    speaker.release(VIP);
    speaker.release(VIP6);
    double answered = count("vipd.arp.requests", Verdict.ANSWERED)
        + count("vipd.ndp.solicitations", Verdict.ANSWERED);
    assertThat(client.exec("arping", "-c", "3", "-w", "2", "-I", "eth0", "198.51.100.100").exitCode())
        .isNotZero();
    assertThat(client.exec("ndisc6", "-1", "-r", "3", "-w", "300", "2001:db8::100", "eth0").exitCode())
        .isNotZero();
    assertThat(count("vipd.arp.requests", Verdict.ANSWERED)
        + count("vipd.ndp.solicitations", Verdict.ANSWERED)).isEqualTo(answered);
  }

  private Speaker speaker(Host host) {
    IoEventLoop loop = (IoEventLoop) group.next();
    Speaker speaker =
        host.inside(() -> Speaker.open(loop, "eth0", SETTINGS, registry, ConflictListener.IGNORE,
            (vip, nanos) -> {}));
    closeables.add(speaker);
    return speaker;
  }

  /** What route-local binding does: the kernel accepts VIP traffic but does not answer ARP. */
  private static void acceptLocally(Host host, String prefix) {
    host.run("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1",
        "net.ipv4.conf.all.arp_announce=2");
    if (prefix.contains(":")) {
      host.run("ip", "-6", "route", "add", "local", prefix, "dev", "lo", "table", "local");
    } else {
      host.run("ip", "route", "add", "local", prefix, "dev", "lo", "table", "local");
    }
  }

  /** A tcpdump line of a neighbour solicitation (not tcpdump's own messages). */
  private static boolean isSolicitation(String line) {
    return line.contains("neighbor solicitation");
  }

  private boolean mdbHas(Host host, String group) {
    return lab.inBridge("bridge", "mdb", "show").output().lines()
        .anyMatch(l -> l.contains(host.port()) && l.contains(group));
  }

  private double count(String name, Verdict verdict) {
    return registry.find(name).tag("result", verdict.tag()).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private double count(String name, String kind) {
    return registry.find(name).tag("kind", kind).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  static void awaitTrue(Duration limit, BooleanSupplier condition) {
    awaitTrue(limit, condition, () -> "");
  }

  static void awaitTrue(Duration limit, BooleanSupplier condition, Supplier<String> context) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit + " " + context.get());
      }
      sleep(2);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
