package dev.vipd.daemon.binding;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the kernel from answering ARP for VIPs and from using them as ARP sources.
 *
 * <p>{@code arp_ignore=1}: reply only when the target address is configured on the interface the
 * request came in on; a VIP bound through a {@code local} route is on no interface, so the kernel
 * stays silent and only vipd's responder answers. {@code arp_announce=2}: always pick the best
 * local address of the outgoing interface as the ARP source, never a VIP. The kernel uses the
 * larger of the {@code all} value and the interface's own value for both keys, so a value is only
 * ever raised to the target, never lowered: an operator's stricter setting stays.
 */
final class ArpSysctls {

  private static final Logger log = LoggerFactory.getLogger(ArpSysctls.class);

  static final int ARP_IGNORE = 1;
  static final int ARP_ANNOUNCE = 2;

  private final CommandRunner runner;

  ArpSysctls(CommandRunner runner) {
    this.runner = runner;
  }

  /** Raises both keys for {@code scope}: {@code all} or an interface name. */
  void ensure(String scope) {
    raise(scope, "arp_ignore", ARP_IGNORE);
    raise(scope, "arp_announce", ARP_ANNOUNCE);
  }

  private void raise(String scope, String key, int target) {
    // Slash-separated so that interface names containing dots (VLANs: eth0.100) stay one component.
    String name = "net/ipv4/conf/" + scope + "/" + key;
    String text = runner.run("reading " + name, List.of("sysctl", "-n", name)).strip();
    int current;
    try {
      current = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new CommandException(
          "reading " + name + ": unexpected value: '" + text + "' (expected: a number)",
          List.of("sysctl", "-n", name),
          0,
          "",
          e);
    }
    if (current >= target) {
      return;
    }
    String assignment = name + "=" + target;
    runner.run("setting " + assignment, List.of("sysctl", "-q", "-w", assignment));
    log.info("op=sysctl key={} old={} new={}", name, current, target);
  }
}
