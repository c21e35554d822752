package dev.vipd.daemon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab;
import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.daemon.e2e.Prober;
import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import dev.vipd.testlab.Await;
import dev.vipd.testlab.Sh;
import dev.vipd.testlab.Tcpdump;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile input from the LAN against three real daemons: a host spoofing gratuitous ARP and
 * unsolicited NAs for owned VIPs (counted as conflicts, defended at most once per 10 s: no GARP
 * war, ownership unchanged); and the control socket fed malformed requests, held by slow clients
 * and flooded while the cluster fails over (the daemon keeps serving and failing over); broken
 * files at reload (refused with file, line and key; {@code /status} unchanged) and at start (an
 * unreadable file for a non-root user, a symlink loop).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileLanIT extends FaultLabTest {
  private static final String VIP4 = "198.51.100.100";
  private static final String VIP6 = "2001:db8::100";
  private static final int SPOOF_SECONDS = 12;
  private static final int SPOOF_PERIOD_MS = 100;
  /** RFC 5227 DEFEND_INTERVAL. */
  private static final long DEFEND_INTERVAL_MS = 10_000;
  private static final Pattern TIME = Pattern.compile("^(\\d+)\\.(\\d{6}) ");

  private MultiThreadIoEventLoopGroup group;

  @Override
  String labName() {
    return "lan";
  }

  @BeforeAll
  void loop() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  void stopLoop() throws Exception {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void spoofedClaimsForOwnedVipsAreConflictsDefendedAtMostOncePerTenSeconds() throws Exception {
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    Node owner4 = e2e.node(before.get(VIP4));
    Node owner6 = e2e.node(before.get(VIP6));
    double conflicts4 = conflicts(owner4, VIP4);
    double conflicts6 = conflicts(owner6, VIP6);
    Tcpdump capture4 = Tcpdump.start(e2e.client, "eth0", "-tt",
        "arp and ether src " + owner4.host.mac() + " and arp[14:4] = arp[24:4]");
    Tcpdump capture6 = Tcpdump.start(e2e.client, "eth0", "-tt",
        "icmp6 and ip6[40] = 136 and ether src " + owner6.host.mac());
    IoEventLoop loop = (IoEventLoop) group.next();
    int sent = 0;
    long spoofStart = System.currentTimeMillis();
    try (PacketSocket arp = e2e.client.inside(() -> PacketSocket.open(loop, "eth0",
            EtherKind.ARP, f -> {}, new SimpleMeterRegistry()));
        PacketSocket ndp = e2e.client.inside(() -> PacketSocket.open(loop, "eth0",
            EtherKind.IPV6, f -> {}, new SimpleMeterRegistry()))) {
      long mac = e2e.client.macValue();
      Inet4Address v4 = (Inet4Address) InetAddress.getByName(VIP4);
      Inet6Address v6 = (Inet6Address) InetAddress.getByName(VIP6);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SPOOF_SECONDS);
      while (System.nanoTime() < end) {
        ByteBuf garp = Unpooled.buffer(64);
        ArpFrames.writeAnnouncement(garp, mac, InetAddresses.toInt(v4));
        ByteBuf na = Unpooled.buffer(128);
        NdpFrames.writeUnsolicitedAdvertisement(na, mac, InetAddresses.high(v6),
            InetAddresses.low(v6));
        assertThat(arp.send(garp)).isTrue();
        assertThat(ndp.send(na)).isTrue();
        sent++;
        Await.sleep(SPOOF_PERIOD_MS);
      }
    }
    // The owners count what they received: wait (bounded) until the counts reach what was sent.
    int spoofs = sent;
    Await.until("the owners count every spoof", Duration.ofSeconds(20),
        () -> conflicts(owner4, VIP4) - conflicts4 >= spoofs
            && conflicts(owner6, VIP6) - conflicts6 >= spoofs, () -> "");
    Await.sleep(1000); // and no more than that: a late extra count would show now
    List<Long> defended4 = stop(capture4, spoofStart);
    List<Long> defended6 = stop(capture6, spoofStart);
    double counted4 = conflicts(owner4, VIP4) - conflicts4;
    double counted6 = conflicts(owner6, VIP6) - conflicts6;
    List<List<Long>> bursts4 = bursts(defended4);
    List<List<Long>> bursts6 = bursts(defended6);
    System.out.printf("FAULTS spoofing %s and %s from the client every %d ms for %d s (%d each):"
        + " conflicts counted %.0f / %.0f; owner frames (ms after the first spoof) IPv4 %s,"
        + " IPv6 %s%n", VIP4, VIP6, SPOOF_PERIOD_MS, SPOOF_SECONDS, sent, counted4, counted6,
        bursts4, bursts6);
    assertThat(counted4).as("ARP conflicts counted for " + VIP4).isEqualTo(sent);
    assertThat(counted6).as("NA conflicts counted for " + VIP6).isEqualTo(sent);
    for (List<List<Long>> bursts : List.of(bursts4, bursts6)) {
      List<List<Long>> defences = bursts.stream().filter(b -> b.size() > 1).toList();
      assertThat(defences).as("defence bursts in " + SPOOF_SECONDS + " s").isNotEmpty()
          .hasSizeLessThanOrEqualTo(2);
      for (int i = 1; i < defences.size(); i++) {
        assertThat(defences.get(i).get(0) - defences.get(i - 1).get(0))
            .as("time between two defences (ms)").isGreaterThanOrEqualTo(DEFEND_INTERVAL_MS - 50);
      }
    }
    assertThat(e2e.awaitConverged(Duration.ofSeconds(10))).as("ownership after the spoofing")
        .isEqualTo(before);
    // The client's own neighbour entry followed the spoofer; the owner's answers win it back.
    assertThat(Prober.askOnce(e2e.client, InetAddress.getByName(VIP4), E2eLab.SERVICE_PORT))
        .isEqualTo(owner4.name);
  }

  @Test
  @Order(2)
  void theControlSocketSurvivesMalformedRequestsSlowClientsAndFloodsWhileFailingOver()
      throws Exception {
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    Node victim = e2e.node(before.get(VIP4));
    Node survivor = e2e.nodes.values().stream().filter(n -> n != victim).findFirst().orElseThrow();
    try (ControlAbuse abuse = new ControlAbuse(survivor.socket)) {
      List<byte[]> malformed = List.of(new byte[0], "\n".getBytes(), "statu\n".getBytes(),
          "status status\n".getBytes(), "STATUS\n".getBytes(), "\u0441\u0442\u0430\u0442\n"
              .getBytes(StandardCharsets.UTF_8),
          new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'}, "A".repeat(300).getBytes(),
          "A".repeat(100_000).getBytes(), "status".getBytes(), "drain\u0000\n".getBytes());
      List<String> replies = new ArrayList<>();
      for (byte[] request : malformed) {
        String reply = abuse.exchange(request, true, 6_000);
        replies.add(reply == null ? "<no connect>" : reply.strip());
        assertThat(reply).as("a reply line or a plain close, never a hang").isNotNull();
        assertThat(reply.isEmpty() || reply.startsWith("{\"ok\":")).as(reply).isTrue();
      }
      System.out.println("FAULTS control socket malformed requests: " + replies);
      assertThat(replies).filteredOn(r -> r.startsWith("{\"ok\":true")).as("only the exact"
          + " command without newline succeeds").hasSize(1);
      assertThat(E2eLab.members(survivor.status()).get(survivor.name).get("drained"))
          .as("no malformed request drained the node").isEqualTo(false);

      // Slow clients: far more than the server serves at once, each typing a byte a second.
      int heldOpen = abuse.hold(200, "st".getBytes());
      Prober prober = Prober.start(e2e.client, InetAddress.getByName(VIP4), E2eLab.SERVICE_PORT);
      int asked = 0;
      int answered = 0;
      boolean failedOver;
      long t0;
      try {
        prober.awaitRequests(20, 5_000);
        t0 = System.nanoTime();
        victim.vipd.destroyForcibly();
        failedOver = prober.awaitAnsweredByOtherThan(victim.name, 10, 20_000);
        long failoverMillis = Await.millisSince(t0);
        for (int s = 0; s < 8; s++) {
          abuse.trickle();
          for (int i = 0; i < 5; i++) {
            asked++;
            if (abuse.status(1_000)) {
              answered++;
            }
          }
          Await.sleep(500);
        }
        System.out.printf("FAULTS control socket: %d slow clients held open; kill -9 %s: %s"
            + " answered elsewhere after %d ms; status answered %d of %d times meanwhile%n",
            heldOpen, victim.name, VIP4, failoverMillis, answered, asked);
      } finally {
        prober.stop();
      }
      assertThat(failedOver).as("failover while the control socket is held").isTrue();
      assertThat(answered).as("status answered while 200 slow clients hold the socket")
          .isGreaterThanOrEqualTo(asked * 9 / 10);
      abuse.close();
      // Once the slow clients are gone, it serves again at once.
      long back = System.nanoTime();
      boolean ok = false;
      while (!ok && Await.millisSince(back) < 10_000) {
        ok = abuse.status(2_000);
      }
      System.out.printf("FAULTS control socket: status served again %d ms after the slow clients"
          + " left%n", Await.millisSince(back));
      assertThat(ok).isTrue();

      // A flood: 4 threads asking as fast as they can for 5 s.
      List<Thread> threads = new ArrayList<>();
      AtomicInteger ok2 = new AtomicInteger();
      AtomicInteger all = new AtomicInteger();
      long floodEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (int i = 0; i < 4; i++) {
        Thread t = new Thread(() -> {
          while (System.nanoTime() < floodEnd) {
            all.incrementAndGet();
            if (abuse.status(2_000)) {
              ok2.incrementAndGet();
            }
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join(15_000);
      }
      System.out.printf("FAULTS control socket flood: %d of %d status requests answered in 5 s%n",
          ok2.get(), all.get());
      assertThat(ok2.get()).as("flood requests answered").isGreaterThan(all.get() / 2);
      assertThat(survivor.running()).isTrue();
      assertThat(abuse.status(2_000)).as("status after the flood").isTrue();
    }
    invariants.check(Duration.ofSeconds(60));
  }

  @Test
  @Order(3)
  void aBrokenFileAtReloadIsRefusedWithFileLineAndKeyAndTheRunningConfigStays()
      throws Exception {
    Node h1 = e2e.node("h1");
    String good = e2e.configText(h1);
    Map<String, Object> statusBefore = h1.status();
    Map<String, String> ownersBefore = e2e.awaitConverged(Duration.ofSeconds(30));
    // Each would change something the status shows (pools, VIPs, checks) if it were applied.
    List<String[]> cases = List.of(
        new String[] {"\"198.51.100.100-198.51.100.103\"", "\"198.51.100.100-198.51.100.103\","
            + " \"198.51.100.300\"", "vipd.pools[0].addresses[1]"},
        new String[] {"interval = 500ms", "interval = \"soon\"", "vipd.health-checks.svc.interval"},
        new String[] {"{ name = \"edge\"", "{ name = \"web\"", "vipd.pools[1].name"},
        new String[] {"garp-interval = 100ms", "garp-interval = 100ms, garp-count = 0",
            "vipd.announce.garp-count"},
        new String[] {"name = \"e2e\"", "name = \"other\"", "vipd.cluster.name"},
        new String[] {"{ name = \"edge\"", "{ name = \"\u00e9dge\"", "vipd.pools[1].name"});
    try {
      for (String[] c : cases) {
        assertThat(good).contains(c[0]);
        String broken = good.replace(c[0], c[1]);
        int line = lineOf(good, c[0]);
        double failures = reloadFailures(h1);
        int logLength = h1.logText().length();
        e2e.writeConfigText(h1, broken);
        e2e.signal(h1, "HUP");
        e2e.awaitTrue("reload refused on h1 (" + c[2] + ")", Duration.ofSeconds(15),
            () -> reloadFailures(h1) >= failures + 1);
        String newLog = h1.logText().substring(logLength);
        System.out.printf("FAULTS reload with %s: %s%n", c[2], newLog.lines()
            .filter(l -> l.contains(c[2])).findFirst().orElse(newLog.strip()));
        assertThat(newLog).contains(h1.config + ":" + line).contains(c[2]);
        assertThat(h1.running()).isTrue();
        Map<String, Object> statusAfter = h1.status();
        assertThat(statusAfter.get("pools")).as("pools and VIPs after a refused reload")
            .isEqualTo(statusBefore.get("pools"));
        assertThat(statusAfter.get("health-checks")).isEqualTo(statusBefore.get("health-checks"));
      }
    } finally {
      e2e.writeConfigText(h1, good);
    }
    assertThat(e2e.awaitConverged(Duration.ofSeconds(10))).isEqualTo(ownersBefore);
  }

  @Test
  @Order(4)
  void anUnreadableFileOrASymlinkLoopAtStartIsRefusedNamingTheFile() throws Exception {
    Assumptions.assumeTrue(Sh.hasCommand("setpriv"), "setpriv missing");
    Path unreadable = e2e.dir.resolve("unreadable.conf");
    Files.writeString(unreadable, e2e.configText(e2e.node("h1")));
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("rw-------"));
    Path jar = E2eLab.locateJar();
    Sh.Result asNobody = Sh.exec(Duration.ofSeconds(60),
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", E2eLab.java(),
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "check-config", unreadable.toString());
    System.out.printf("FAULTS check-config of a 0600 root file as nobody: exit %d: %s%n",
        asNobody.exitCode(), asNobody.output().strip());
    assertThat(asNobody.exitCode()).as(asNobody.output()).isEqualTo(3);
    assertThat(asNobody.output()).contains(unreadable.toString());

    Path loop = e2e.dir.resolve("loop.conf");
    Files.createSymbolicLink(loop, loop);
    Sh.Result run = e2e.vipdIn(e2e.client, "run", "--config", loop.toString());
    System.out.printf("FAULTS vipd run with a symlink loop: exit %d: %s%n", run.exitCode(),
        run.output().strip());
    assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
    assertThat(run.output()).contains(loop.toString());
  }

  private static double reloadFailures(Node n) {
    String metrics = n.http("/metrics");
    if (metrics == null) {
      return Double.NaN;
    }
    return Invariants.sum(metrics.lines().filter(l -> l.contains("result=\"failure\""))
        .reduce("", (x, y) -> x + y + "\n"), "vipd_config_reloads_total");
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(needle + " not in the text");
  }

  /** Stops a tcpdump and returns its frames' times in ms after {@code originMillis}. */
  private static List<Long> stop(Tcpdump tcpdump, long originMillis) {
    List<Long> times = new ArrayList<>();
    for (String line : tcpdump.stop().split("\n")) {
      Matcher m = TIME.matcher(line);
      if (m.find()) {
        times.add(Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2)) / 1000
            - originMillis);
      }
    }
    return times;
  }

  /** Frames closer than 1 s to the previous one belong to one burst. */
  private static List<List<Long>> bursts(List<Long> times) {
    List<List<Long>> out = new ArrayList<>();
    for (long t : times) {
      if (out.isEmpty() || t - lastOf(out) > 1000) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(t);
    }
    return out;
  }

  private static long lastOf(List<List<Long>> bursts) {
    List<Long> b = bursts.get(bursts.size() - 1);
    return b.get(b.size() - 1);
  }

  private static double conflicts(Node n, String vip) {
    return Invariants.sum(n.http("/metrics").lines()
        .filter(l -> l.contains("vip=\"" + vip + "\"")).reduce("", (x, y) -> x + y + "\n"),
        "vipd_address_conflicts_total");
  }
}
