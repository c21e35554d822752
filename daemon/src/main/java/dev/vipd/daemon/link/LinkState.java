package dev.vipd.daemon.link;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One interface as {@code ip -o link show} or {@code ip -o monitor link} prints it.
 *
 * <pre>
 * 3: eth0@p0: &lt;NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN&gt; mtu 1500 qdisc noqueue state
 *     LOWERLAYERDOWN group default \    link/ether 02:00:5e:00:53:01 brd ff:ff:ff:ff:ff:ff
 * Deleted 3: eth0@NONE: &lt;BROADCAST,MULTICAST&gt; mtu 1500 ... link/ether ...
 * </pre>
 *
 * @param index kernel interface index
 * @param name interface name, without the {@code @link} suffix iproute2 adds for veth, VLAN and
 *     macvlan devices
 * @param flags the flags between angle brackets ({@code UP}, {@code LOWER_UP}, {@code NO-CARRIER})
 * @param operState the operational state after {@code state} ({@code UP}, {@code DOWN}, {@code
 *     LOWERLAYERDOWN}, {@code UNKNOWN}, ...); {@code UNKNOWN} when absent
 * @param mac the link-layer address after {@code link/<type>}, lower case; empty when none
 * @param deleted true for a monitor line starting with {@code Deleted}
 */
public record LinkState(
    int index, String name, Set<String> flags, String operState, String mac, boolean deleted) {

  private static final String DELETED = "Deleted ";

  public LinkState {
    if (index <= 0) {
      throw new IllegalArgumentException("invalid interface index: " + index + " (expected: > 0)");
    }
    Objects.requireNonNull(name, "name");
    flags = Set.copyOf(flags);
    Objects.requireNonNull(operState, "operState");
    Objects.requireNonNull(mac, "mac");
  }

  /**
   * Whether packets can flow: the interface is administratively up, the driver reports the lower
   * layer up, and the operational state is not down. A veth whose peer is down shows {@code
   * NO-CARRIER} with state {@code LOWERLAYERDOWN}, sometimes while still flagged {@code LOWER_UP};
   * a bridge without ports and {@code lo} are up with state {@code UNKNOWN}.
   */
  public boolean carrier() {
    return flags.contains("UP")
        && flags.contains("LOWER_UP")
        && !flags.contains("NO-CARRIER")
        && !operState.equals("DOWN")
        && !operState.equals("LOWERLAYERDOWN")
        && !operState.equals("NOTPRESENT");
  }

  /**
   * Parses one line of {@code ip -o link} output.
   *
   * @throws IllegalArgumentException when the line is not an {@code ip -o link} line (the message
   *     quotes it)
   */
  public static LinkState parse(String line) {
    String text = line.strip();
    boolean deleted = text.startsWith(DELETED);
    if (deleted) {
      text = text.substring(DELETED.length());
    }
    // "<index>: <name>[@<link>]: <FLAGS> key value ... \    link/<type> <mac> brd ..."
    int colon = text.indexOf(": ");
    int open = text.indexOf(" <");
    int close = text.indexOf('>', Math.max(open, 0));
    if (colon <= 0 || open <= colon || close < 0 || !text.startsWith(":", open - 1)) {
      throw invalid(line, "expected: '<index>: <name>: <FLAGS> ...'");
    }
    int index;
    try {
      index = Integer.parseInt(text.substring(0, colon));
    } catch (NumberFormatException e) {
      throw invalid(line, "expected: a numeric interface index first");
    }
    String name = text.substring(colon + 2, open - 1);
    int at = name.indexOf('@');
    if (at > 0) {
      name = name.substring(0, at);
    }
    if (name.isEmpty()) {
      throw invalid(line, "expected: an interface name");
    }
    String flagText = text.substring(open + 2, close);
    Set<String> flags =
        flagText.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(flagText.split(",")));
    String[] tokens = text.substring(close + 1).replace('\\', ' ').strip().split("\\s+");
    String operState = "UNKNOWN";
    String mac = "";
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].equals("state") && i + 1 < tokens.length) {
        operState = tokens[i + 1];
      } else if (tokens[i].startsWith("link/") && mac.isEmpty()) {
        // "link/none" (tun, WireGuard) has no address; the next token is then something else.
        if (i + 1 < tokens.length && tokens[i + 1].matches("[0-9A-Fa-f]+([:.][0-9A-Fa-f]+)+")) {
          mac = tokens[i + 1].toLowerCase(Locale.ROOT);
        }
      }
    }
    return new LinkState(index, name, flags, operState, mac, deleted);
  }

  private static IllegalArgumentException invalid(String line, String expected) {
    return new IllegalArgumentException("invalid ip link line: '" + line + "' (" + expected + ")");
  }
}
