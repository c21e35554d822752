package dev.vipd.daemon;

import dev.vipd.daemon.config.BindMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Linux capabilities {@code vipd run} needs, checked once before anything starts so that a
 * node without them exits at once with one clear line instead of joining the cluster and then
 * failing to answer for the VIPs it was given.
 *
 * <ul>
 *   <li>{@code CAP_NET_RAW}: the {@code AF_PACKET} sockets that answer ARP and Neighbor
 *       Solicitations and send the announcements. Always needed.
 *   <li>{@code CAP_NET_ADMIN}: the local routes or addresses of the bind mode and the ARP sysctls
 *       ({@code ip route}, {@code ip addr}, {@code sysctl -w} run as children, which inherit it as an
 *       ambient capability). Not needed with {@code bind-mode = none}.
 * </ul>
 *
 * <p>Root holds both; the packaged unit grants exactly these two to the {@code vipd} user.
 */
final class Capabilities {
  /** Bit numbers from {@code linux/capability.h}. */
  static final int CAP_NET_ADMIN = 12;
  static final int CAP_NET_RAW = 13;

  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private Capabilities() {}

  /**
   * The one-line refusal when this process lacks what {@code mode} needs; empty when it has
   * everything, or when the effective set cannot be read (not Linux): then the socket calls
   * themselves report the failure.
   */
  static Optional<String> missingHere(BindMode mode) {
    String status;
    try {
      status = Files.readString(PROC_STATUS);
    } catch (IOException e) {
      return Optional.empty();
    }
    return effective(status).flatMap(caps -> missing(caps, mode));
  }

  /** The refusal for an effective capability mask, or empty when nothing is missing. */
  static Optional<String> missing(long effective, BindMode mode) {
    List<String> absent = new ArrayList<>();
    if (!has(effective, CAP_NET_RAW)) {
      absent.add("CAP_NET_RAW (raw ARP/NDP sockets)");
    }
    if (mode != BindMode.NONE && !has(effective, CAP_NET_ADMIN)) {
      absent.add("CAP_NET_ADMIN (local routes/addresses and ARP sysctls of bind-mode "
          + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
    }
    if (absent.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("vipd: missing capability " + String.join(" and ", absent)
        + ": run as root or with CAP_NET_RAW+CAP_NET_ADMIN, as vipd.service grants them");
  }

  /** The {@code CapEff} mask of a {@code /proc/<pid>/status} text, if it has one. */
  static Optional<Long> effective(String procStatus) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith("CapEff:")) {
        String hex = line.substring("CapEff:".length()).strip();
        try {
          return Optional.of(Long.parseUnsignedLong(hex, 16));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static boolean has(long mask, int bit) {
    return (mask & (1L << bit)) != 0;
  }
}
