package dev.vipd.daemon.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Gratuitous ARP / unsolicited NA pacing.
 *
 * @param garpCount announcements sent per VIP when it moves here
 * @param garpInterval spacing between those announcements
 * @param refreshInterval period of the refresh announcement for every owned VIP
 * @param framesPerSecond cap on announcement frames per second over all VIPs
 */
public record AnnounceConfig(
    int garpCount, Duration garpInterval, Duration refreshInterval, int framesPerSecond) {

  public AnnounceConfig {
    Objects.requireNonNull(garpInterval, "garpInterval");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
  }
}
