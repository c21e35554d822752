package dev.vipd.cluster.it;

import static dev.vipd.cluster.it.ClusterLab.awaitAgreement;
import static dev.vipd.cluster.it.Ownerships.byName;
import static dev.vipd.cluster.it.Ownerships.names;
import static dev.vipd.cluster.it.Ownerships.ownedBy;
import static dev.vipd.cluster.it.Ownerships.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.testlab.Host;
import dev.vipd.testlab.Sh;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A silent failure with real data planes: the owner of some VIPs is stopped with SIGSTOP for 5 s
 * while a client keeps asking for its VIPs; the survivors take over, and after SIGCONT the paused
 * node sends nothing for the VIPs it lost (no GARP, ARP reply or NA from its MAC), although
 * requests queued in its sockets during the pause are still there to answer. A client namespace
 * captures with {@code tcpdump -n -e -l -tt -i eth0 arp or icmp6}.
 */
class PausedOwnerIT {
  private static final List<InetAddress> VIPS = List.of(
      NodeOptions.address("198.51.100.100"), NodeOptions.address("198.51.100.101"),
      NodeOptions.address("198.51.100.102"), NodeOptions.address("198.51.100.103"),
      NodeOptions.address("198.51.100.104"), NodeOptions.address("2001:db8::100"));
  private static final long PAUSE_MILLIS = 5000;

  private ClusterLab lab;
  private Process tcpdump;

  @BeforeEach
  void setUp() {
    assumeTrue(Sh.hasCommand("tcpdump") && Sh.hasCommand("arping") && Sh.hasCommand("ndisc6"),
        "paused-owner test needs tcpdump, arping and ndisc6; skipped");
    lab = ClusterLab.create(3, true);
  }

  @AfterEach
  void tearDown() {
    if (tcpdump != null) {
      tcpdump.destroyForcibly();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void pausedOwnerIsReplacedAndSendsNothingForLostVipsAfterResume() throws Exception {
    List<NodeProcess> nodes =
        lab.startAll(lab.options("none", "default", VIPS).withInterface("eth0"));
    Map<InetAddress, String> before = awaitAgreement(nodes, names(nodes), VIPS,
        Duration.ofSeconds(30));
    NodeProcess paused = byName(nodes, before.get(VIPS.get(0)));
    List<InetAddress> lost = ownedBy(before, paused.name());
    List<NodeProcess> survivors = without(nodes, paused);
    String pausedMac = ClusterLab.mac(Integer.parseInt(paused.name().substring(1)));
    Host client = lab.client();

    List<String> frames = startCapture(client);
    ask(client, lost); // the data plane answers before the fault (positive control)
    ClusterLab.await("answers from " + paused + " before the pause", Duration.ofSeconds(5),
        () -> lost.stream().allMatch(v -> frames.stream().anyMatch(
            f -> from(f, pausedMac) && mentions(f, v))));

    long pausedAt = System.currentTimeMillis();
    paused.pause();
    ask(client, lost); // queued in the paused node's sockets
    ClusterLab.await("survivors acquired " + lost, Duration.ofSeconds(20),
        () -> lost.stream().allMatch(v -> Ownerships.firstWall(survivors, "acquired", v,
            pausedAt) >= 0));
    FailoverIT.printTakeover("SIGSTOP", survivors, lost, pausedAt);
    FailoverIT.assertSingleTakeover(survivors, lost, pausedAt);
    ClusterLab.sleep(Math.max(0, PAUSE_MILLIS - (System.currentTimeMillis() - pausedAt)));

    long resumedAt = System.currentTimeMillis();
    paused.resume();
    long end = System.currentTimeMillis() + 3000;
    while (System.currentTimeMillis() < end) {
      ask(client, lost);
    }
    ClusterLab.sleep(500);
    tcpdump.destroyForcibly();

    List<String> afterResume = frames.stream().filter(f -> seconds(f) * 1000 >= resumedAt)
        .toList();
    List<String> fromPaused = new ArrayList<>();
    for (String f : afterResume) {
      if (from(f, pausedMac) && lost.stream().anyMatch(v -> mentions(f, v))) {
        fromPaused.add(f);
      }
    }
    System.out.printf("  %d frames captured after SIGCONT, %d from %s for its lost VIPs%n",
        afterResume.size(), fromPaused.size(), paused);
    System.out.printf("  events of %s after SIGCONT: %s%n", paused, paused.events().stream()
        .filter(e -> e.wallMillis() >= resumedAt).toList());
    assertThat(fromPaused).as("frames from the paused node for the VIPs it lost").isEmpty();
    for (InetAddress vip : lost) {
      String owner = nodes.stream().filter(n -> n != paused && Ownerships.holds(n, vip))
          .findFirst().map(NodeProcess::name).orElseThrow();
      String ownerMac = ClusterLab.mac(Integer.parseInt(owner.substring(1)));
      assertThat(afterResume).as("frames from the new owner %s for %s", owner, vip)
          .anyMatch(f -> from(f, ownerMac) && mentions(f, vip));
    }
    awaitAgreement(nodes, names(nodes), VIPS, Duration.ofSeconds(40));
  }

  /** One ARP request (IPv4) or Neighbor Solicitation (IPv6) per VIP, waiting briefly for answers. */
  private static void ask(Host client, List<InetAddress> vips) {
    for (InetAddress vip : vips) {
      if (vip instanceof Inet6Address) {
        client.exec("ndisc6", "-1", "-r", "1", "-w", "200", vip.getHostAddress(), "eth0");
      } else {
        client.exec("arping", "-c", "1", "-w", "1", "-I", "eth0", vip.getHostAddress());
      }
    }
  }

  private List<String> startCapture(Host client) {
    tcpdump = client.spawn("tcpdump", "-n", "-e", "-l", "-tt", "-i", "eth0", "arp", "or", "icmp6");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the capture ended
      }
    }, "tcpdump-reader");
    reader.setDaemon(true);
    reader.start();
    ClusterLab.await("tcpdump listening", Duration.ofSeconds(10),
        () -> lines.stream().anyMatch(l -> l.contains("listening on")));
    return lines;
  }

  /** The capture time of a {@code -tt} line, or -1 for other lines. */
  private static double seconds(String line) {
    try {
      return Double.parseDouble(line.substring(0, line.indexOf(' ')));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Whether a {@code -e} line's Ethernet source is {@code mac}. */
  private static boolean from(String line, String mac) {
    String[] f = line.split(" ");
    return f.length > 2 && f[1].equalsIgnoreCase(mac);
  }

  /** Whether a tcpdump line names {@code vip} as an address (a whole token). */
  static boolean mentions(String line, InetAddress vip) {
    for (String token : line.split("[\\s,]+")) {
      if (token.isEmpty() || !token.matches("[0-9a-fA-F:.]+")
          || !(token.contains(":") || token.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
        continue;
      }
      if (token.matches("(?i)([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
        continue; // a MAC
      }
      try {
        if (InetAddress.getByName(token).equals(vip)) {
          return true;
        }
      } catch (IOException e) {
        // not an address
      }
    }
    return false;
  }
}
