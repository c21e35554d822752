package dev.vipd.daemon.e2e;

import dev.vipd.testlab.Host;
import dev.vipd.testlab.Sh;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many hosts answer for a VIP, as a client sees it: the distinct MACs in the replies of
 * {@code arping} (IPv4) or {@code ndisc6 -m} (IPv6, every advertisement). Two MACs mean two hosts
 * answer: the failure this suite guards against.
 */
public final class AnsweringMacs {
  private static final Pattern ARP_REPLY =
      Pattern.compile("reply from \\S+ \\[([0-9a-f:]{17})\\]");
  private static final Pattern NA_TARGET =
      Pattern.compile("target link-layer address: ([0-9a-f:]{17})");

  /** Probe threads (each waits on an arping or ndisc6 process); daemons, so they never block exit. */
  private static final ExecutorService PROBES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "e2e-answering-macs");
    t.setDaemon(true);
    return t;
  });

  private AnsweringMacs() {}

  /** The MACs that answer {@code vip} within about a second, lower case, sorted. */
  public static Set<String> of(Host client, String vip) {
    return of(client, vip, vip.startsWith("203.0.113.") ? "eth1" : "eth0");
  }

  /** {@link #of(Host, String)} asked on the client's interface {@code iface}. */
  public static Set<String> of(Host client, String vip, String iface) {
    Sh.Result r = vip.contains(":")
        ? client.exec("ndisc6", "-m", "-n", "-r", "3", "-w", "300", vip, iface)
        : client.exec("arping", "-c", "3", "-w", "1", "-I", iface, vip);
    Matcher m = (vip.contains(":") ? NA_TARGET : ARP_REPLY)
        .matcher(r.output().toLowerCase(Locale.ROOT));
    Set<String> macs = new TreeSet<>();
    while (m.find()) {
      macs.add(m.group(1));
    }
    return macs;
  }

  /** {@link #of} for every VIP at once (one probe takes about a second; they run in parallel). */
  public static Map<String, Set<String>> ofAll(Host client, Iterable<String> vips) {
    Map<String, CompletableFuture<Set<String>>> running = new LinkedHashMap<>();
    for (String vip : vips) {
      running.put(vip, CompletableFuture.supplyAsync(() -> of(client, vip), PROBES));
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    running.forEach((vip, f) -> out.put(vip, f.join()));
    return out;
  }

  /**
   * Waits (bounded by {@code timeout}) until every VIP of {@code vips} is answered by exactly one
   * MAC; returns how long that took, or throws naming the VIPs and the MACs seen last.
   */
  public static Duration awaitExactlyOne(Host client, Iterable<String> vips, Duration timeout) {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    StringBuilder last = new StringBuilder();
    while (true) {
      last.setLength(0);
      boolean all = true;
      for (Map.Entry<String, Set<String>> e : ofAll(client, vips).entrySet()) {
        if (e.getValue().size() != 1) {
          all = false;
          last.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
      }
      if (all) {
        return Duration.ofNanos(System.nanoTime() - t0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not every VIP answered by exactly one MAC within " + timeout
            + ":" + last);
      }
      E2eLab.sleep(100);
    }
  }
}
