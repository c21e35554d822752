package dev.vipd.daemon.e2e;

import dev.vipd.testlab.Namespaces;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who answers each of many VIPs, as the lab's client sees it, all at once: {@code l2sweep.py}
 * (test resource) sends one ARP request or Neighbor Solicitation per VIP from a raw socket in the
 * client's namespace and collects the answers, a few seconds for thousands of VIPs where {@link
 * AnsweringMacs} (one {@code arping}/{@code ndisc6} per VIP, about a second each) would take
 * minutes. Pool "edge" VIPs (203.0.113.0/24) are asked on the client's {@code eth1}, the rest on
 * {@code eth0}.
 */
final class L2Sweep {
  private final E2eLab e2e;
  private final Path script;

  L2Sweep(E2eLab e2e) {
    this.e2e = e2e;
    this.script = e2e.dir.resolve("l2sweep.py");
    try (InputStream in = L2Sweep.class.getResourceAsStream("/e2e/l2sweep.py")) {
      if (in == null) {
        throw new IllegalStateException("test resource e2e/l2sweep.py missing");
      }
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The MACs (lower case, sorted) that answered each of {@code vips} in one sweep. */
  Map<String, Set<String>> of(Collection<String> vips) {
    List<String> eth0 = new ArrayList<>();
    List<String> eth1 = new ArrayList<>();
    for (String vip : vips) {
      (vip.startsWith("203.0.113.") ? eth1 : eth0).add(vip);
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    out.putAll(sweep("eth0", "198.51.100.9", "2001:db8::9", eth0));
    out.putAll(sweep("eth1", "203.0.113.9", "-", eth1));
    return out;
  }

  private Map<String, Set<String>> sweep(String iface, String src4, String src6,
      List<String> vips) {
    if (vips.isEmpty()) {
      return Map.of();
    }
    Path targets = e2e.dir.resolve("sweep-" + iface + ".txt");
    try {
      Files.write(targets, vips);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Sh.Result r = Namespaces.exec(e2e.client.namespace(), Duration.ofSeconds(60),
        E2eLab.python(), script.toString(), iface, src4, src6, targets.toString());
    if (!r.succeeded()) {
      throw new IllegalStateException("l2sweep on " + iface + " failed: " + r);
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String line : r.output().lines().toList()) {
      String[] parts = line.trim().split(" ");
      if (parts.length != 2) {
        continue;
      }
      Set<String> macs = new TreeSet<>();
      if (!parts[1].equals("-")) {
        macs.addAll(Arrays.asList(parts[1].toLowerCase(Locale.ROOT).split(",")));
      }
      out.put(parts[0], macs);
    }
    if (out.size() != vips.size()) {
      throw new IllegalStateException("l2sweep on " + iface + " answered for " + out.size()
          + " of " + vips.size() + " targets: " + r.output());
    }
    return out;
  }

  /**
   * Sweeps until every VIP of {@code vips} is answered by exactly one MAC in the same sweep
   * (bounded by {@code timeout}); returns how long that took, or throws naming up to 20 VIPs that
   * were not and what answered them last.
   */
  Duration awaitExactlyOne(Collection<String> vips, Duration timeout) {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    while (true) {
      List<String> bad = new ArrayList<>();
      of(vips).forEach((vip, macs) -> {
        if (macs.size() != 1) {
          bad.add(vip + "=" + macs);
        }
      });
      if (bad.isEmpty()) {
        return Duration.ofNanos(System.nanoTime() - t0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(bad.size() + " of " + vips.size() + " VIPs not answered by "
            + "exactly one MAC within " + timeout + ": " + bad.subList(0, Math.min(20, bad.size())));
      }
      E2eLab.sleep(200);
    }
  }
}
