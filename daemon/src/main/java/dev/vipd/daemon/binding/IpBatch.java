package dev.vipd.daemon.binding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ip -force -batch -} for many changes, each of which succeeds or fails on its own.
 *
 * <p>Without {@code -force}, iproute2 stops at the first line the kernel refuses, so every VIP
 * after it stays unbound while the responder answers for it: a blackhole. With {@code -force} it
 * goes on, and for each refused line prints the kernel's message followed by {@code Command
 * failed -:N} (N counts from 1) on standard error, then exits 1. A line iproute2 cannot parse
 * makes it exit at once, even with {@code -force}, without a {@code Command failed} line: then
 * every line after the last one reported is taken as failed too (binding is idempotent, so a
 * retry of a line that did succeed costs nothing). Measured here (iproute2 6.1).
 *
 * <p>Chosen over rtnetlink through jnr-ffi: one process per batch costs ~2 ms whatever its size,
 * the kernel's work per route dominates beyond that (see {@code RouteLocalBindingIT}), and the
 * exact same text is what an operator types to reproduce a failure.
 */
final class IpBatch {
  private static final Pattern FAILED = Pattern.compile("^Command failed -:(\\d+)\\s*$");

  private IpBatch() {}

  /**
   * Runs {@code lines} (key → one {@code ip} command without the leading {@code ip}) in one
   * process.
   *
   * @return the keys whose line failed, each with the kernel's message; empty when all took effect
   */
  static <K> Map<K, String> run(CommandRunner runner, String what, Map<K, String> lines) {
    if (lines.isEmpty()) {
      return Map.of();
    }
    List<K> keys = new ArrayList<>(lines.keySet());
    StringBuilder input = new StringBuilder();
    lines.values().forEach(line -> input.append(line).append('\n'));
    try {
      runner.run(what, List.of("ip", "-force", "-batch", "-"), input.toString());
      return Map.of();
    } catch (CommandException e) {
      return failures(keys, e);
    }
  }

  /** Attributes {@code ip}'s standard error to the lines it names. */
  static <K> Map<K, String> failures(List<K> keys, CommandException e) {
    Map<K, String> failed = new LinkedHashMap<>();
    StringBuilder message = new StringBuilder();
    int last = 0;
    for (String line : e.stderr().split("\n")) {
      Matcher m = FAILED.matcher(line.strip());
      if (m.matches()) {
        int n = Integer.parseInt(m.group(1));
        if (n >= 1 && n <= keys.size()) {
          failed.put(keys.get(n - 1), message.length() == 0 ? "refused" : message.toString());
          last = Math.max(last, n);
        }
        message.setLength(0);
      } else if (!line.isBlank()) {
        message.append(message.length() == 0 ? "" : " ").append(line.strip());
      }
    }
    if (message.length() > 0 || failed.isEmpty()) {
      // ip stopped (a parse error, a timeout, no ip at all): what followed never ran.
      String why = message.length() > 0 ? message.toString() : e.getMessage();
      for (K key : keys.subList(last, keys.size())) {
        failed.putIfAbsent(key, why);
      }
    }
    return failed;
  }
}
