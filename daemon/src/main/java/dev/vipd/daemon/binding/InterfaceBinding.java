package dev.vipd.daemon.binding;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bind mode {@code interface}: the VIP as a host address on its pool interface.
 *
 * <pre>
 * ip -4 addr replace 198.51.100.100/32 dev eth0 label eth0:vipd scope host noprefixroute metric 8686
 * ip -6 addr replace 2001:db8::100/128 dev eth0 nodad noprefixroute preferred_lft 0 metric 8686
 * </pre>
 *
 * <p>For tools and applications that want to see the VIP in {@code ip addr}. The price: the kernel
 * answers Neighbor Solicitations for an IPv6 address on the interface itself, and ARP for an IPv4
 * one with {@code arp_ignore} below 3, so a crashed node keeps answering until {@code vipd
 * cleanup} runs. IPv4 VIPs are therefore added with {@code scope host}: the kernel still accepts
 * traffic for them, never picks them as a source address, and with {@code arp_ignore=3} (the
 * packaged {@code /usr/lib/sysctl.d/60-vipd.conf}) never answers ARP for them, even after a
 * {@code kill -9}; only vipd's responder does. IPv6 addresses use {@code
 * nodad} (duplicate address detection would fail or delay the takeover while the old owner still
 * answers) and {@code preferred_lft 0} (deprecated: the kernel never picks the VIP as the host's
 * source address).
 *
 * <p>The marker: iproute2 6.1 has no {@code proto} for addresses, and IPv6 addresses have no
 * labels, so every vipd address carries the address metric {@value #VIPD_METRIC} (kernel 4.18+,
 * both families; with {@code noprefixroute} it installs no route, it is only stored and shown as
 * {@code metric 8686}). IPv4 addresses also get the label {@code <interface>:vipd} for people
 * reading {@code ip addr}, when that fits the kernel's 15-character limit. {@link #cleanup()}
 * removes the addresses with the marker metric on every interface, and nothing else.
 */
public final class InterfaceBinding implements LocalBinding {

  /**
   * The address metric that marks vipd's addresses: "86" ('V') twice, an unlikely value for an
   * operator to choose by hand (address metrics are rarely set at all; the kernel default is 0).
   */
  public static final int VIPD_METRIC = 8686;

  /** Label suffix for IPv4 addresses. */
  static final String LABEL_SUFFIX = ":vipd";

  /** IFNAMSIZ - 1: the longest label the kernel stores. */
  private static final int MAX_LABEL = 15;

  private static final Logger log = LoggerFactory.getLogger(InterfaceBinding.class);

  private final CommandRunner runner;
  private final Function<InetAddress, String> interfaceOf;
  private final Map<InetAddress, String> bound = new HashMap<>();

  /**
   * @param interfaceOf the pool interface each VIP is served on
   */
  public InterfaceBinding(CommandRunner runner, Function<InetAddress, String> interfaceOf) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.interfaceOf = Objects.requireNonNull(interfaceOf, "interfaceOf");
  }

  @Override
  public synchronized void bind(InetAddress vip) {
    String device = interfaceOf.apply(vip);
    if (device == null || device.isEmpty()) {
      throw new IllegalArgumentException("no pool interface for VIP " + Family.text(vip));
    }
    String previous = bound.get(vip);
    if (previous != null && !previous.equals(device)) {
      unbind(vip);
    }
    String prefix = Family.hostPrefix(vip);
    List<String> argv = new ArrayList<>(List.of("ip", Family.of(vip).flag()));
    argv.addAll(addArgs(vip, device));
    runner.run("adding address " + prefix + " to " + device, argv);
    if (bound.put(vip, device) == null) {
      log.info("op=bind mode=interface vip={} interface={}", Family.text(vip), device);
    }
  }

  /** The words after {@code ip -4}/{@code ip -6} that add {@code vip} to {@code device}. */
  private static List<String> addArgs(InetAddress vip, String device) {
    List<String> argv =
        new ArrayList<>(List.of("addr", "replace", Family.hostPrefix(vip), "dev", device));
    if (Family.of(vip) == Family.IPV4) {
      String label = device + LABEL_SUFFIX;
      if (label.length() <= MAX_LABEL) {
        argv.addAll(List.of("label", label));
      }
      argv.addAll(List.of("scope", "host"));
    } else {
      argv.addAll(List.of("nodad", "preferred_lft", "0"));
    }
    argv.addAll(List.of("noprefixroute", "metric", String.valueOf(VIPD_METRIC)));
    return argv;
  }

  /**
   * One {@code ip -force -batch -} for all of {@code vips} ({@link IpBatch}; iproute2 takes the
   * family of each line from its address): an address the kernel refuses fails alone.
   */
  @Override
  public synchronized Map<InetAddress, String> bindAll(Collection<InetAddress> vips) {
    Map<InetAddress, String> failed = new LinkedHashMap<>();
    Map<InetAddress, String> lines = new LinkedHashMap<>();
    for (InetAddress vip : vips) {
      String device = interfaceOf.apply(vip);
      String previous = bound.get(vip);
      if (device == null || device.isEmpty() || (previous != null && !previous.equals(device))) {
        failed.putAll(LocalBinding.super.bindAll(List.of(vip))); // the rare slow path
      } else {
        lines.put(vip, String.join(" ", addArgs(vip, device)));
      }
    }
    failed.putAll(IpBatch.run(runner, "adding " + lines.size() + " addresses", lines));
    for (InetAddress vip : lines.keySet()) {
      if (!failed.containsKey(vip) && bound.put(vip, interfaceOf.apply(vip)) == null) {
        log.info("op=bind mode=interface vip={} interface={}", Family.text(vip), bound.get(vip));
      }
    }
    return failed;
  }

  /** One {@code ip -force -batch -} for all of {@code vips}; an address already gone is fine. */
  @Override
  public synchronized Map<InetAddress, String> unbindAll(Collection<InetAddress> vips) {
    Map<InetAddress, String> lines = new LinkedHashMap<>();
    for (InetAddress vip : vips) {
      String device = bound.getOrDefault(vip, interfaceOf.apply(vip));
      if (device != null) {
        lines.put(vip, "addr del " + Family.hostPrefix(vip) + " dev " + device);
      }
    }
    Map<InetAddress, String> failed = new LinkedHashMap<>(
        IpBatch.run(runner, "removing " + lines.size() + " addresses", lines));
    failed.values().removeIf(InterfaceBinding::alreadyGone);
    for (InetAddress vip : lines.keySet()) {
      String device = failed.containsKey(vip) ? null : bound.remove(vip);
      if (device != null) {
        log.info("op=unbind mode=interface vip={} interface={}", Family.text(vip), device);
      }
    }
    return failed;
  }

  private static boolean alreadyGone(String stderr) {
    // Newer kernels say "Address not found", older ones EADDRNOTAVAIL.
    String s = stderr.toLowerCase(Locale.ROOT);
    return s.contains("address not found") || s.contains("cannot assign requested address");
  }

  @Override
  public synchronized void unbind(InetAddress vip) {
    String device = bound.getOrDefault(vip, interfaceOf.apply(vip));
    if (device == null) {
      return;
    }
    delete(Family.of(vip), Family.hostPrefix(vip), device);
    if (bound.remove(vip) != null) {
      log.info("op=unbind mode=interface vip={} interface={}", Family.text(vip), device);
    }
  }

  @Override
  public synchronized void cleanup() {
    for (Family family : Family.values()) {
      String listing =
          runner.run(
              "listing addresses (" + family.flag() + ")",
              List.of("ip", "-o", family.flag(), "addr", "show"));
      for (MarkedAddress marked : markedAddresses(listing)) {
        delete(family, marked.prefix, marked.device);
        log.info("op=cleanup mode=interface address={} interface={}", marked.prefix, marked.device);
      }
    }
    bound.clear();
  }

  @Override
  public synchronized Set<InetAddress> bound() {
    return Set.copyOf(bound.keySet());
  }

  private void delete(Family family, String prefix, String device) {
    try {
      runner.run(
          "removing address " + prefix + " from " + device,
          List.of("ip", family.flag(), "addr", "del", prefix, "dev", device));
    } catch (CommandException e) {
      if (!alreadyGone(e.stderr())) {
        throw e;
      }
    }
  }

  /** An address carrying vipd's marker in an {@code ip -o addr show} listing. */
  record MarkedAddress(String device, String prefix) {}

  /**
   * Finds the addresses with metric {@value #VIPD_METRIC} in {@code ip -o addr show} output. One
   * line looks like {@code 3: eth0    inet 198.51.100.100/32 metric 8686 scope global
   * noprefixroute eth0:vipd\ valid_lft forever preferred_lft forever}.
   */
  static List<MarkedAddress> markedAddresses(String listing) {
    List<MarkedAddress> marked = new ArrayList<>();
    String metric = String.valueOf(VIPD_METRIC);
    for (String line : listing.split("\n")) {
      String[] tokens = line.strip().split("\\s+");
      if (tokens.length < 6 || !tokens[2].startsWith("inet")) {
        continue;
      }
      for (int i = 4; i + 1 < tokens.length; i++) {
        if (tokens[i].equals("metric") && tokens[i + 1].equals(metric)) {
          marked.add(new MarkedAddress(tokens[1], tokens[3]));
          break;
        }
      }
    }
    return marked;
  }

  @Override
  public String toString() {
    return "InterfaceBinding[metric " + VIPD_METRIC + "]";
  }
}
